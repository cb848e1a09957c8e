using System.Net;
using System.Xml.Linq;

namespace FeedDigest.Core.Parsing;

/// <summary>
/// A text construct, convertible to plain text (titles, names) or HTML (summaries, content). Each form is
/// computed only when asked for: flattening every item's content to text nobody reads would cost more than
/// reading the feed, and so would writing every title's markup out.
/// </summary>
internal readonly struct TextValue
{
    private readonly string? characters;
    private readonly bool isHtml;
    private readonly XElement? markup;

    private TextValue(string? characters, bool isHtml, XElement? markup)
    {
        this.characters = characters;
        this.isHtml = isHtml;
        this.markup = markup;
    }

    /// <summary>Characters that are plain text (or HTML, when <paramref name="isHtml"/>).</summary>
    public static TextValue FromCharacters(string characters, bool isHtml) => new(characters, isHtml, null);

    /// <summary>Markup that is child elements: the children of <paramref name="element"/>.</summary>
    public static TextValue FromMarkup(XElement element) => new(null, isHtml: true, element);

    public string Plain => markup is not null
        ? FeedText.CollapseWhiteSpace(FeedText.RepairC1Controls(TextConstruct.PlainText(markup)))
        : FeedText.CollapseWhiteSpace(FeedText.RepairC1Controls(isHtml ? HtmlFlattener.ToPlainText(characters!) : characters!));

    public string Html
    {
        get
        {
            if (markup is not null)
            {
                return FeedText.RepairC1Controls(TextConstruct.InnerMarkup(markup).Trim()).Trim();
            }

            var text = FeedText.RepairC1Controls(characters!).Trim();
            return isHtml ? text : WebUtility.HtmlEncode(text);
        }
    }
}
