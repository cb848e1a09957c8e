using FeedDigest.Core.Configuration;
using FeedDigest.Core.Digests;
using FeedDigest.Core.Ports;

namespace FeedDigest.Core.Subscriptions;

/// <summary>
/// Who gets digests: the configured subscribers merged with those stored from the web pages. A
/// stored row wins over the configuration entry with the same key: its preferences if active,
/// nobody if unsubscribed. Pending (unconfirmed) requests are never subscribers.
/// </summary>
public sealed class SubscriberDirectory(ISubscriptionStore store)
{
    public async Task<IReadOnlyList<Subscriber>> GetSubscribersAsync(Catalog catalog, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var rows = await store.ListAsync(cancellationToken).ConfigureAwait(false);
        return Merge(catalog, rows);
    }

    /// <summary>The subscriber with that key (configured or from the web), as digests see them; null when there is none or they left.</summary>
    public async Task<Subscriber?> FindAsync(Catalog catalog, string key, CancellationToken cancellationToken) =>
        (await GetSubscribersAsync(catalog, cancellationToken).ConfigureAwait(false)).FirstOrDefault(s => s.Key == key);

    public static IReadOnlyList<Subscriber> Merge(Catalog catalog, IReadOnlyList<WebSubscriber> rows)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            return catalog.Subscribers;
        }

        var byKey = rows.ToDictionary(r => r.Key, StringComparer.Ordinal);
        var merged = new List<Subscriber>(catalog.Subscribers.Count + rows.Count);
        foreach (var configured in catalog.Subscribers)
        {
            if (!byKey.Remove(configured.Key, out var row))
            {
                merged.Add(configured);
            }
            else if (row.Status == WebSubscriberStatus.Active && ToSubscriber(row, catalog) is { } chosen)
            {
                merged.Add(chosen with { DisplayName = configured.DisplayName, MaxStories = configured.MaxStories, Format = configured.Format });
            }
        }

        merged.AddRange(byKey.Values
            .Where(row => row.Status == WebSubscriberStatus.Active)
            .Select(row => ToSubscriber(row, catalog))
            .OfType<Subscriber>());
        return merged;
    }

    /// <summary>
    /// The stored choices as a subscriber; topics removed from the configuration since are left out,
    /// and a subscriber left with none (or with choices that no longer validate) gets no digest.
    /// </summary>
    public static Subscriber? ToSubscriber(WebSubscriber row, Catalog catalog)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(catalog);
        var preferences = row.Preferences;
        var options = new SubscriberOptions
        {
            Email = row.Email,
            Topics = preferences.Topics.Where(catalog.TopicsById.ContainsKey).ToList(),
            Cadence = preferences.Cadence,
            SendAt = preferences.SendAt,
            Day = preferences.Day,
            TimeZone = preferences.TimeZone,
            Paused = preferences.Paused,
        };
        return options.Topics.Count > 0 && Catalog.TryCreateSubscriber(options, catalog.TopicsById.Keys, out var subscriber, out _) ? subscriber : null;
    }
}
