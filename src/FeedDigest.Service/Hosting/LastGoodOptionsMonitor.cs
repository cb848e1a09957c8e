using System.Collections.Concurrent;
using FeedDigest.Core.Configuration;
using Microsoft.Extensions.Options;

namespace FeedDigest.Service.Hosting;

/// <summary>
/// Options that survive a bad edit: once a value has validated, a later edit that does not (a
/// negative interval, say) is refused and the last good value stays in force, instead of every
/// reader throwing until the file is fixed. A value of the wrong type ("30 minutes" for a
/// TimeSpan) is refused the same way. At start-up there is no good value yet, so a bad setting
/// still stops the start.
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
            return Refuse(exception.Failures, good);
        }
        catch (InvalidOperationException exception)
        {
            // The binder's: a value that does not convert to its setting's type ("30 minutes" for a
            // TimeSpan), the only thing besides validation that fails in building these options. Its
            // message names the setting, the value and the type; the edit is refused as an invalid one is.
            IEnumerable<string> failures = [exception.Message];
            return lastGood.TryGetValue(name, out var good)
                ? Refuse(failures, good)
                : throw new OptionsValidationException(name, typeof(TOptions), failures);
        }
    }

    private TOptions Refuse(IEnumerable<string> failures, TOptions good)
    {
        health.Refused(Source, clock.GetUtcNow(), [.. failures]);
        return good;
    }

    public void Dispose() => inner.Dispose();

    public IDisposable? OnChange(Action<TOptions, string?> listener) => inner.OnChange(listener);
}
