using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using FeedDigest.Core.Configuration;
using FeedDigest.Core.Feeds;
using FeedDigest.Infrastructure.Configuration;

namespace FeedDigest.Service.Cli;

/// <summary>Adds the feeds of an OPML file to the configuration file, skipping those already there.</summary>
internal static class FeedImport
{
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public sealed record Outcome(int Added, int AlreadyPresent, IReadOnlyList<string> Problems);

    public static async Task<Outcome> ImportOpmlAsync(string configPath, string opml, string contentRoot, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var entries = Opml.Read(opml, problems);
        var added = 0;
        var present = 0;
        var result = await ConfigFileWriter.UpdateAsync(
            configPath,
            text =>
            {
                var current = ConfigEdit.ReadCatalog(text, []);
                var urls = current.Feeds.Select(f => f.Url?.Trim()).OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);
                var ids = current.Feeds.Select(f => f.Id).OfType<string>().ToHashSet(StringComparer.Ordinal);
                var elements = new List<string>();
                added = present = 0;
                foreach (var entry in entries)
                {
                    if (!urls.Add(entry.XmlUrl.AbsoluteUri))
                    {
                        present++;
                        continue;
                    }

                    var id = UniqueId(Slug(entry.Title, entry.XmlUrl), ids);
                    elements.Add(JsonSerializer.Serialize(new { Id = id, Url = entry.XmlUrl.AbsoluteUri, entry.Title, Tags = entry.Categories }, Json));
                    added++;
                }

                return JsonConfigEditor.AppendToArray(text, [CatalogOptions.SectionName, "Feeds"], elements);
            },
            text => ConfigEdit.Validate(text, contentRoot),
            cancellationToken).ConfigureAwait(false);
        if (!result.Applied && result.Problems.Count > 0)
        {
            return new Outcome(0, present, [.. problems, .. result.Problems]);
        }

        return new Outcome(result.Applied ? added : 0, present, problems);
    }

    /// <summary>A readable id from the title ("China Digital Times" → "china-digital-times"), else from the host.</summary>
    public static string Slug(string title, Uri url)
    {
        var slug = new StringBuilder();
        foreach (var c in title.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                slug.Append(c);
            }
            else if (slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }
        }

        var text = slug.ToString().Trim('-');
        if (text.Length < 3)
        {
            text = url.Host.Replace("www.", string.Empty, StringComparison.Ordinal).Replace('.', '-');
        }

        return text.Length > 40 ? text[..40].TrimEnd('-') : text;
    }

    public static string UniqueId(string id, HashSet<string> taken)
    {
        var candidate = id;
        for (var n = 2; !taken.Add(candidate); n++)
        {
            candidate = $"{id}-{n}";
        }

        return candidate;
    }
}
