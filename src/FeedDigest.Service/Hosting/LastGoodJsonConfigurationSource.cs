using System.Text.Json;
using FeedDigest.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Primitives;

namespace FeedDigest.Service.Hosting;

/// <summary>
/// A JSON configuration file that, once loaded, keeps its last good contents when an edit breaks the
/// JSON. The stock provider empties itself instead, so a stray comma would take every setting and
/// every feed with it. A file deleted or made unreadable is refused the same way: the stock provider
/// takes a missing file for an empty one (no feeds, no subscribers) and lets a read error escape to
/// the file watcher, where nobody sees it. The refusal, with the file, the line and column and the
/// parser's reason, goes to <see cref="ConfigurationHealth"/>; a first load that fails still fails the start.
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
    /// <param name="leaveOut">A JSON file the host added that is not to be read (appsettings.json, when another file is named instead).</param>
    public static void ReplaceJsonSources(IConfigurationBuilder builder, ConfigurationHealth health, TimeProvider clock, string? leaveOut = null)
    {
        var sources = builder.Sources.Where(source => leaveOut is null || source is not JsonConfigurationSource { Path: var path } || path != leaveOut).Select(source => source is JsonConfigurationSource { } plain and not LastGoodJsonConfigurationSource
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

    private sealed class Provider : JsonConfigurationProvider
    {
        private readonly LastGoodJsonConfigurationSource source;
        private readonly IDisposable? watch;
        private bool started;
        private bool loaded;

        public Provider(LastGoodJsonConfigurationSource source)
            : base(WithoutStockReload(source))
        {
            this.source = source;
            if (source.ReloadOnChange && source.FileProvider is { } files)
            {
                watch = ChangeToken.OnChange(() => files.Watch(source.Path!), () =>
                {
                    // As the stock provider does: an editor's write may not be complete when the change is seen.
                    Thread.Sleep(source.ReloadDelay);
                    Reload();
                });
            }
        }

        private string FileName => source.FileProvider?.GetFileInfo(source.Path ?? string.Empty).PhysicalPath ?? source.Path ?? "configuration file";

        /// <summary>The first load is the stock one, which fails the start; later ones (SIGHUP) keep the last good contents.</summary>
        public override void Load()
        {
            if (started)
            {
                Reload();
                return;
            }

            started = true;
            base.Load();
        }

        public override void Load(Stream stream)
        {
            base.Load(stream);
            loaded = true;
            source.Health.Accepted(FileName);
        }

        protected override void Dispose(bool disposing)
        {
            watch?.Dispose();
            base.Dispose(disposing);
        }

        /// <summary>The stock provider's own watch would reload through its code, not <see cref="Reload"/>.</summary>
        private static JsonConfigurationSource WithoutStockReload(LastGoodJsonConfigurationSource source) => new()
        {
            Path = source.Path!,
            Optional = source.Optional,
            FileProvider = source.FileProvider,
            OnLoadException = source.OnLoadException,
            ReloadOnChange = false,
        };

        private void Reload()
        {
            try
            {
                using var stream = OpenFile();
                Load(stream);
            }
            catch (FormatException exception)
            {
                // Data still holds the last good contents: keep them.
                Refuse($"{FileName}: {Describe(exception)}");
            }
            catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
            {
                // An optional file that has never been there has nothing to keep.
                if (loaded)
                {
                    Refuse($"{FileName}: the file is gone (deleted or moved). Put it back{(source.Optional ? ", or restart the service to run without it" : ", or the service's next start fails")}.");
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                Refuse($"{FileName}: cannot be read ({exception.Message}). Give the service's user read access again (owner, group and mode: e.g. chgrp to the service's group and chmod 0640), or its next start fails.");
            }

            OnReload();
        }

        /// <summary>By path where there is one, so that a missing file and an unreadable one are told apart by their exceptions.</summary>
        private Stream OpenFile()
        {
            var file = source.FileProvider!.GetFileInfo(source.Path!);
            return file.PhysicalPath is { } path
                ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1, FileOptions.SequentialScan)
                : file.CreateReadStream();
        }

        private void Refuse(string problem) => source.Health.Refused(FileName, source.Clock.GetUtcNow(), [problem]);
    }
}
