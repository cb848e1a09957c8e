namespace FeedDigest.Core.Topics;

/// <summary>Matches when any child matches.</summary>
public sealed class OrNode(IReadOnlyList<QueryNode> children) : QueryNode
{
    public IReadOnlyList<QueryNode> Children { get; } = children;

    public override string ToString() => $"(OR {string.Join(' ', Children)})";

    internal override bool Matches(StoryText story)
    {
        foreach (var child in Children)
        {
            if (child.Matches(story))
            {
                return true;
            }
        }

        return false;
    }

    internal override void AddHits(StoryText story, bool negated, List<TermHit> hits)
    {
        foreach (var child in Children)
        {
            child.AddHits(story, negated, hits);
        }
    }

    /// <summary>Whichever child matches brings its own anchors: all children's together, unless one has none.</summary>
    internal override AnchorSet? Anchors()
    {
        var union = new List<Anchor>();
        foreach (var child in Children)
        {
            if (child.Anchors() is not { } anchors)
            {
                return null;
            }

            union.AddRange(anchors.Items);
        }

        return new AnchorSet(union);
    }
}
