namespace FeedDigest.Core.Topics;

/// <summary>Why a story matched: a term of the query, as written, and the field it occurs in.</summary>
public sealed record TermHit(string Term, QueryField Field)
{
    public override string ToString() => $"{Term} in {Field.ToString().ToLowerInvariant()}";
}
