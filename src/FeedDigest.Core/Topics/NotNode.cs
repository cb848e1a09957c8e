namespace FeedDigest.Core.Topics;

/// <summary>Matches when its operand does not.</summary>
public sealed class NotNode(QueryNode operand) : QueryNode
{
    public QueryNode Operand { get; } = operand;

    public override string ToString() => $"(NOT {Operand})";

    internal override bool Matches(StoryText story) => !Operand.Matches(story);

    internal override void AddHits(StoryText story, bool negated, List<TermHit> hits) =>
        Operand.AddHits(story, !negated, hits);

    internal override AnchorSet? Anchors() => null;
}
