using System.Text.Json;
using FeedDigest.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;

namespace FeedDigest.Service.Hosting;

/// <summary>
/// A JSON configuration file that, once loaded, keeps its last good contents when an edit breaks the
/// JSON. The stock provider empties itself instead, so a stray comma would take every setting and
/// every feed with it. The refusal, with the file, the line and column and the parser's reason, goes
/// to <see cref="ConfigurationHealth"/>; a first load that fails still fails the start.
/// </summary>
internal sealed class LastGoodJsonConfigurationSource(ConfigurationHealth health, TimeProvider clock) : JsonConfigurationSource
{
    private ConfigurationHealth Health => health;

    private TimeProvider Clock => clock;

    public override IConfigurationProvider Build(IConfigurationBuilder builder)
    {
        EnsureDefaults(builder);
        return new Provider(this);
    }

    /// <summary>Puts this kind of source in place of every plain JSON file source, keeping their settings.</summary>
    public static void ReplaceJsonSources(IConfigurationBuilder builder, ConfigurationHealth health, TimeProvider clock)
    {
        var sources = builder.Sources.Select(source => source is JsonConfigurationSource { } plain and not LastGoodJsonConfigurationSource
            ? new LastGoodJsonConfigurationSource(health, clock)
            {
                Path = plain.Path!,
                Optional = plain.Optional,
                ReloadOnChange = plain.ReloadOnChange,
                ReloadDelay = plain.ReloadDelay,
                FileProvider = plain.FileProvider,
                OnLoadException = plain.OnLoadException,
            }
            : source).ToList();

        // A ConfigurationManager reloads every source each time one is replaced in place; cleared and
        // added back, each source loads once (a 1,000-feed file was parsed four times per start).
        builder.Sources.Clear();
        foreach (var source in sources)
        {
            builder.Add(source);
        }
    }

    /// <summary>"line 4, column 7: '}' is invalid ..." from the parser's exception.</summary>
    public static string Describe(Exception exception)
    {
        var json = exception as JsonException ?? exception.InnerException as JsonException;
        if (json?.LineNumber is { } line && json.BytePositionInLine is { } column)
        {
            var reason = json.Message;
            var cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
            return $"line {line + 1}, column {column + 1}: {(cut > 0 ? reason[..cut] : reason)}";
        }

        return (json ?? exception).Message;
    }

    private sealed class Provider(LastGoodJsonConfigurationSource source) : JsonConfigurationProvider(source)
    {
        private bool loaded;

        private string FileName => source.FileProvider?.GetFileInfo(source.Path ?? string.Empty).PhysicalPath ?? source.Path ?? "configuration file";

        public override void Load(Stream stream)
        {
            try
            {
                base.Load(stream);
            }
            catch (FormatException exception) when (loaded)
            {
                // Data still holds the last good contents: keep them.
                source.Health.Refused(FileName, source.Clock.GetUtcNow(), [$"{FileName}: {Describe(exception)}"]);
                return;
            }

            loaded = true;
            source.Health.Accepted(FileName);
        }
    }
}
