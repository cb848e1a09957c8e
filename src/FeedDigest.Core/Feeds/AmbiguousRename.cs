namespace FeedDigest.Core.Feeds;

/// <summary>
/// Configured feeds new to the store whose Url stored feeds have too, where it is not clear which
/// stored feed they continue: none is renamed, and each of <paramref name="NewIds"/> starts as a new feed.
/// </summary>
/// <param name="NewIds">The configured feeds without a stored row that have this Url.</param>
/// <param name="RemovedIds">The stored feeds with this Url that are no longer configured.</param>
/// <param name="ConfiguredIds">The stored feeds with this Url that are still configured.</param>
public sealed record AmbiguousRename(IReadOnlyList<string> NewIds, Uri Source, IReadOnlyList<string> RemovedIds, IReadOnlyList<string> ConfiguredIds);
