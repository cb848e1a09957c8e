namespace FeedDigest.Core.Topics;

/// <param name="Position">1-based, in characters of the query.</param>
/// <param name="Text">A word or phrase without quotes (and without the * of a prefix); a field's name.</param>
/// <param name="Written">The token as it stands in the query, for messages.</param>
/// <param name="FollowsSpace">Whether white space stands before it: a scope must touch what it scopes.</param>
internal readonly record struct QueryToken(QueryTokenKind Kind, int Position, string Text, string Written, bool IsPrefix, bool FollowsSpace);
