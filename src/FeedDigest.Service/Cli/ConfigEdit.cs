using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using FeedDigest.Core.Configuration;
using FeedDigest.Infrastructure.Configuration;
using FeedDigest.Service.Hosting;
using Microsoft.Extensions.Configuration;

namespace FeedDigest.Service.Cli;

/// <summary>
/// What every command that edits the configuration file shares: the file it edits, the check of the
/// edited text with the service's own catalog validation, and <see cref="ConfigFileWriter"/>'s lock,
/// edit of the file as it is now, and atomic rename, so a running service picks the change up and
/// two admins editing at once lose nothing.
/// </summary>
internal static class ConfigEdit
{
    public static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static readonly string[] FeedsPath = [CatalogOptions.SectionName, "Feeds"];
    public static readonly string[] TopicsPath = [CatalogOptions.SectionName, "Topics"];
    public static readonly string[] SubscribersPath = [CatalogOptions.SectionName, "Subscribers"];

    /// <summary>The change an edit made, or why it made none.</summary>
    public sealed class Change
    {
        /// <summary>Set by an edit that cannot apply to the file as it is (e.g. no such feed); the file is left alone.</summary>
        public string? Refusal { get; set; }

        public List<string> Notes { get; } = [];
    }

    /// <summary>The file the commands edit: --config, else appsettings.json here (created from the example on a fresh checkout).</summary>
    public static string FilePath(string? configOption)
    {
        var contentRoot = Directory.GetCurrentDirectory();
        if (configOption is null)
        {
            FeedDigestHost.EnsureDefaultConfigFile(contentRoot, Console.Out);
        }

        return Path.GetFullPath(configOption ?? FeedDigestHost.DefaultConfigFile, contentRoot);
    }

    /// <summary>An edit appending <paramref name="element"/> to the array at <paramref name="path"/>; refused with <paramref name="duplicate"/> when an element there already <paramref name="matches"/>.</summary>
    public static Func<string, Change, string> AddUnique(string[] path, string element, Func<JsonElement, bool> matches, string duplicate) =>
        (json, change) =>
        {
            if (JsonConfigEditor.ReadArray(json, path).Any(matches))
            {
                change.Refusal = duplicate;
                return json;
            }

            return JsonConfigEditor.AppendToArray(json, path, [element]);
        };

    /// <summary>An edit removing the elements of the array at <paramref name="path"/> that <paramref name="match"/>; refused with <paramref name="missing"/> when none does.</summary>
    public static Func<string, Change, string> Remove(string[] path, Func<JsonElement, bool> match, string missing) =>
        (json, change) =>
        {
            json = JsonConfigEditor.RemoveFromArray(json, path, match, out var removed);
            if (removed == 0)
            {
                change.Refusal = missing;
            }

            return json;
        };

    /// <summary>Applies <paramref name="edit"/>, prints the outcome, and returns the exit status.</summary>
    public static async Task<int> ApplyAsync(string? configOption, Func<string, Change, string> edit, string done, CancellationToken cancellationToken)
    {
        var path = FilePath(configOption);
        var change = new Change();
        var result = await ConfigFileWriter.UpdateAsync(
            path,
            text =>
            {
                change.Refusal = null;
                change.Notes.Clear();
                var edited = edit(text, change);
                return change.Refusal is null ? edited : text;
            },
            text => Validate(text, Directory.GetCurrentDirectory()),
            cancellationToken).ConfigureAwait(false);
        if (change.Refusal is not null)
        {
            await Console.Error.WriteLineAsync(change.Refusal).ConfigureAwait(false);
            return 1;
        }

        if (result.Problems.Count > 0)
        {
            await Console.Error.WriteLineAsync($"{path} was not changed: the edit would make it invalid:").ConfigureAwait(false);
            foreach (var problem in result.Problems)
            {
                await Console.Error.WriteLineAsync("  " + problem).ConfigureAwait(false);
            }

            return 1;
        }

        foreach (var note in change.Notes)
        {
            Console.WriteLine(note);
        }

        Console.WriteLine(result.Applied ? $"{done} in {path}. A running service picks it up by itself." : $"Nothing to change in {path}.");
        return 0;
    }

    /// <summary>The catalog problems of a configuration file's text, as the service would report them.</summary>
    public static IReadOnlyList<string> Validate(string text, string contentRoot)
    {
        var problems = new List<string>();
        CatalogOptions options;
        try
        {
            options = ReadCatalog(text, problems);
        }
        catch (InvalidDataException exception)
        {
            return [LastGoodJsonConfigurationSource.Describe(exception.InnerException ?? exception)];
        }

        return Catalog.TryCreate(options, contentRoot, out _, out var errors) ? problems : [.. problems, .. errors];
    }

    public static CatalogOptions ReadCatalog(string json, List<string> problems)
    {
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
        return CatalogConfigurationReader.Read(configuration, problems);
    }

    public static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && TryGet(element, name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static List<string> Strings(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && TryGet(element, name, out var value) && value.ValueKind == JsonValueKind.Array
            ? [.. value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!)]
            : [];

    /// <summary>Configuration keys are case-insensitive, so the file's member names are too.</summary>
    private static bool TryGet(JsonElement element, string name, out JsonElement value)
    {
        foreach (var member in element.EnumerateObject())
        {
            if (string.Equals(member.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = member.Value;
                return true;
            }
        }

        value = default;
        return false;
    }
}
