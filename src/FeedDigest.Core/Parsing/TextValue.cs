using System.Net;

namespace FeedDigest.Core.Parsing;

/// <summary>
/// A text construct, convertible to plain text (titles, names) or HTML (summaries, content). Each form is
/// computed only when asked for: flattening every item's content to text nobody reads would cost more than
/// reading the feed.
/// </summary>
internal readonly struct TextValue
{
    private readonly string characters;
    private readonly bool isHtml;
    private readonly string? plainOfMarkup;

    private TextValue(string characters, bool isHtml, string? plainOfMarkup)
    {
        this.characters = characters;
        this.isHtml = isHtml;
        this.plainOfMarkup = plainOfMarkup;
    }

    /// <summary>Characters that are plain text (or HTML, when <paramref name="isHtml"/>).</summary>
    public static TextValue FromCharacters(string characters, bool isHtml) => new(characters, isHtml, null);

    /// <summary>Markup that was child elements, with its plain text already taken from the elements.</summary>
    public static TextValue FromMarkup(string markup, string plain) => new(markup, isHtml: true, plain);

    public string Plain => plainOfMarkup ?? FeedText.CollapseWhiteSpace(
        FeedText.RepairC1Controls(isHtml ? HtmlFlattener.ToPlainText(characters) : characters));

    public string Html
    {
        get
        {
            var text = FeedText.RepairC1Controls(characters).Trim();
            return isHtml ? text : WebUtility.HtmlEncode(text);
        }
    }
}
