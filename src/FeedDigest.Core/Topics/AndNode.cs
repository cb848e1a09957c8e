namespace FeedDigest.Core.Topics;

/// <summary>Matches when every child matches.</summary>
public sealed class AndNode(IReadOnlyList<QueryNode> children) : QueryNode
{
    public IReadOnlyList<QueryNode> Children { get; } = children;

    public override string ToString() => $"(AND {string.Join(' ', Children)})";

    internal override bool Matches(StoryText story)
    {
        foreach (var child in Children)
        {
            if (!child.Matches(story))
            {
                return false;
            }
        }

        return true;
    }

    internal override void AddHits(StoryText story, bool negated, List<TermHit> hits)
    {
        foreach (var child in Children)
        {
            child.AddHits(story, negated, hits);
        }
    }

    /// <summary>Any child's anchors will do, since every child must match: the cheapest child's.</summary>
    internal override AnchorSet? Anchors()
    {
        AnchorSet? cheapest = null;
        foreach (var child in Children)
        {
            if (child.Anchors() is { } anchors && (cheapest is null || anchors.Cost < cheapest.Cost))
            {
                cheapest = anchors;
            }
        }

        return cheapest;
    }
}
