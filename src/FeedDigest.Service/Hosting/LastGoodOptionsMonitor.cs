using System.Collections.Concurrent;
using FeedDigest.Core.Configuration;
using Microsoft.Extensions.Options;

namespace FeedDigest.Service.Hosting;

/// <summary>
/// Options that survive a bad edit: once a value has validated, a later edit that does not (a
/// negative interval, say) is refused and the last good value stays in force, instead of every
/// reader throwing until the file is fixed. At start-up there is no good value yet, so a bad
/// setting still stops the start.
/// </summary>
internal sealed class LastGoodOptionsMonitor<TOptions> : IOptionsMonitor<TOptions>, IDisposable
    where TOptions : class
{
    private readonly OptionsMonitor<TOptions> inner;
    private readonly ConfigurationHealth health;
    private readonly TimeProvider clock;
    private readonly ConcurrentDictionary<string, TOptions> lastGood = new(StringComparer.Ordinal);

    public LastGoodOptionsMonitor(
        IOptionsFactory<TOptions> factory,
        IEnumerable<IOptionsChangeTokenSource<TOptions>> sources,
        IOptionsMonitorCache<TOptions> cache,
        ConfigurationHealth health,
        TimeProvider clock)
    {
        inner = new OptionsMonitor<TOptions>(factory, sources, cache);
        this.health = health;
        this.clock = clock;
    }

    private static string Source => $"{typeof(TOptions).Name} settings";

    public TOptions CurrentValue => Get(Options.DefaultName);

    public TOptions Get(string? name)
    {
        name ??= Options.DefaultName;
        try
        {
            var value = inner.Get(name);
            if (!lastGood.TryGetValue(name, out var previous) || !ReferenceEquals(previous, value))
            {
                lastGood[name] = value;
                health.Accepted(Source);
            }

            return value;
        }
        catch (OptionsValidationException exception) when (lastGood.TryGetValue(name, out var good))
        {
            health.Refused(Source, clock.GetUtcNow(), [.. exception.Failures]);
            return good;
        }
    }

    public void Dispose() => inner.Dispose();

    public IDisposable? OnChange(Action<TOptions, string?> listener) => inner.OnChange(listener);
}
