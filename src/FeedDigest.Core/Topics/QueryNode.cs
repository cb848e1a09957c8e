namespace FeedDigest.Core.Topics;

/// <summary>A node of a parsed topic query: a term, or AND, OR, NOT of other nodes.</summary>
public abstract class QueryNode
{
    /// <summary>The node in a canonical form: (OR (AND a "b c") (NOT title:d*)), terms folded as they are compared.</summary>
    public abstract override string ToString();

    internal abstract bool Matches(StoryText story);

    /// <summary>Adds the terms of this node that make a story match (those not under a NOT) and hit it, with where they hit.</summary>
    internal abstract void AddHits(StoryText story, bool negated, List<TermHit> hits);

    /// <summary>
    /// Terms at least one of which occurs in every story this node matches; null when no such set
    /// exists (a NOT can match a story without any of its terms).
    /// </summary>
    internal abstract AnchorSet? Anchors();
}
