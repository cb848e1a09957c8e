namespace FeedDigest.Core.Feeds;

/// <summary>A stored feed that the configuration now calls <paramref name="NewId"/>: same Url, another Id.</summary>
public sealed record FeedRename(string OldId, string NewId, Uri Source);
