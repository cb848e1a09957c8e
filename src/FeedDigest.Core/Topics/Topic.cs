namespace FeedDigest.Core.Topics;

/// <summary>A named interest: a story matches when any keyword occurs in its title or summary.</summary>
public sealed record Topic(string Id, string Name, IReadOnlyList<string> Keywords);
