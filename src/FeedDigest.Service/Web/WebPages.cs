using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Fluid;
using Microsoft.AspNetCore.Http;

namespace FeedDigest.Service.Web;

/// <summary>
/// Renders the pages from Liquid templates built into the executable. Every value is HTML-encoded
/// by Fluid; only the page body, itself rendered and encoded, is placed raw into the layout.
/// </summary>
internal sealed class WebPages
{
    private static readonly FluidParser Parser = new();
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);
    private readonly Dictionary<string, IFluidTemplate> templates = new(StringComparer.Ordinal);
    private readonly TemplateOptions options = new() { CultureInfo = CultureInfo.InvariantCulture, MemberAccessStrategy = new UnsafeMemberAccessStrategy() };

    public WebPages()
    {
        var assembly = typeof(WebPages).Assembly;
        const string prefix = "FeedDigest.Service.Web.Templates.";
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            var source = reader.ReadToEnd();
            var key = name[prefix.Length..^".liquid".Length];
            templates[key] = Parser.TryParse(source, out var template, out var error)
                ? template
                : throw new InvalidOperationException($"The built-in page template {key} does not parse: {error}");
        }
    }

    /// <param name="model">An object whose members the template names (anonymous objects with snake_case members).</param>
    public IResult Render(string template, string title, object model, int statusCode = StatusCodes.Status200OK, bool admin = false)
    {
        var body = templates[template].Render(new TemplateContext(model, options), Encoder);
        var page = templates["layout"].Render(new TemplateContext(new { title, body, admin }, options), Encoder);
        return Results.Content(page, "text/html; charset=utf-8", statusCode: statusCode);
    }

    /// <summary>A part of a page (the preferences fields), rendered and encoded, to be placed raw into another.</summary>
    public string Fragment(string template, object model) => templates[template].Render(new TemplateContext(model, options), Encoder);

    /// <param name="link">A link under the text: where to go from here.</param>
    public IResult Message(string title, string text, int statusCode = StatusCodes.Status200OK, PageLink? link = null) =>
        Render("message", title, new { heading = title, text, link = link is null ? null : new { href = link.Href, text = link.Text } }, statusCode);
}
