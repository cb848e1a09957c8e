namespace FeedDigest.Core.Configuration;

/// <summary>
/// Whether the service runs on the configuration as written or on the last good one, because an
/// edit was refused. Reloads record here; /healthz and <c>config validate</c> read it.
/// </summary>
public sealed class ConfigurationHealth
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, Refusal> refusals = new(StringComparer.Ordinal);

    /// <summary>One refused edit: where (a file, or the settings section) and every reason.</summary>
    public sealed record Refusal(string Source, DateTimeOffset RefusedAt, IReadOnlyList<string> Problems);

    /// <summary>The refusals in force; empty when the service runs on the configuration as written.</summary>
    public IReadOnlyList<Refusal> Refusals
    {
        get
        {
            lock (gate)
            {
                return [.. refusals.Values.OrderBy(r => r.RefusedAt)];
            }
        }
    }

    public bool RunningOnLastGood => Refusals.Count > 0;

    /// <summary>Raised after every change, so a status can be written where other processes read it.</summary>
    public event Action? Changed;

    public void Refused(string source, DateTimeOffset at, IReadOnlyList<string> problems)
    {
        lock (gate)
        {
            if (refusals.TryGetValue(source, out var known) && known.Problems.SequenceEqual(problems, StringComparer.Ordinal))
            {
                // The same refusal seen again (every read of a refused setting sees it): no news.
                return;
            }

            refusals[source] = new Refusal(source, at, problems);
        }

        Changed?.Invoke();
    }

    public void Accepted(string source)
    {
        bool removed;
        lock (gate)
        {
            removed = refusals.Remove(source);
        }

        if (removed)
        {
            Changed?.Invoke();
        }
    }
}
