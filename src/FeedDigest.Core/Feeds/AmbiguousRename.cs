namespace FeedDigest.Core.Feeds;

/// <summary>
/// Configured feeds whose Url stored feeds under other Ids have too, where it is not clear which
/// stored feed they continue: none is renamed, and each of <paramref name="NewIds"/> starts as a new
/// feed (or, if its Id is stored at another Url, as a feed whose Url changed).
/// </summary>
/// <param name="NewIds">The configured feeds with this Url not taken as a rename.</param>
/// <param name="RemovedIds">The stored feeds with this Url that the configuration no longer has at it.</param>
/// <param name="ConfiguredIds">The stored feeds with this Url still configured at it under their Id.</param>
public sealed record AmbiguousRename(IReadOnlyList<string> NewIds, Uri Source, IReadOnlyList<string> RemovedIds, IReadOnlyList<string> ConfiguredIds);
