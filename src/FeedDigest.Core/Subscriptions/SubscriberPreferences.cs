namespace FeedDigest.Core.Subscriptions;

/// <summary>What a subscriber chooses on the web pages: the same settings a configured subscriber has.</summary>
/// <param name="Cadence">hourly, daily or weekly.</param>
/// <param name="SendAt">Local time of day as HH:mm (for hourly, its minutes).</param>
/// <param name="Day">The day of a weekly digest.</param>
/// <param name="TimeZone">An IANA zone name.</param>
public sealed record SubscriberPreferences(
    IReadOnlyList<string> Topics,
    string Cadence,
    string SendAt,
    string? Day,
    string TimeZone,
    bool Paused);
