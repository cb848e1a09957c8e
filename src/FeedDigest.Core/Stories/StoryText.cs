using FeedDigest.Core.Normalizing;
using FeedDigest.Core.Parsing;

namespace FeedDigest.Core.Stories;

/// <summary>
/// The title and summary a story is stored, shown and clustered with, from an item's title and its
/// summary's plain text (cleared of page furniture): the one rule the poller and
/// <c>feeddigest cluster</c> share, so the tool clusters what the service would.
/// </summary>
public static class StoryText
{
    /// <summary>Longer summaries are cut: a full-text item's first screens say what it is about.</summary>
    public const int MaxSummaryLength = 4000;

    /// <summary>The title of a story with no words of its own: no title, and no text in its summary (a photo post).</summary>
    public const string Untitled = "(untitled)";

    /// <summary>
    /// An item's text as HTML: its summary, or its content when the summary has no text (an empty
    /// description, or only an image, beside the text in content:encoded or Atom's content).
    /// </summary>
    public static string? TextOf(ParsedItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return IsFromContent(item) ? item.Content : item.Summary ?? item.Content;
    }

    /// <summary>Whether <see cref="TextOf"/> is the item's content beside a summary with no text (rather than the summary, or the content of an item without one).</summary>
    public static bool IsFromContent(ParsedItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return item.Summary is not null && item.Content is not null && string.IsNullOrWhiteSpace(HtmlText.ToPlainText(item.Summary));
    }

    /// <summary>The story's title (the start of its summary when it has none) and its summary, cut to <see cref="MaxSummaryLength"/>.</summary>
    public static (string Title, string Summary) Of(string title, string summary)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(summary);
        if (title.Length == 0)
        {
            title = summary.Length > 0 ? HtmlText.Truncate(summary, 80) : Untitled;
        }

        return (title, HtmlText.Truncate(summary, MaxSummaryLength));
    }

    /// <summary>
    /// <see cref="Of"/> for an item known on its own, not in its feed's document (what
    /// <c>feeddigest cluster</c> reads): markup read as text, and the page furniture the default
    /// rules find in one item cleared; what recurs across a document's items cannot be seen. Plain
    /// headlines come through unchanged.
    /// </summary>
    public static (string Title, string Summary) OfLoneItem(string? title, string? summaryMarkup)
    {
        var plainTitle = HtmlText.CollapseWhiteSpace(HtmlText.ToPlainText(title));
        return Of(plainTitle, PageFurniture.StripAll([(summaryMarkup, plainTitle)], FurnitureRules.Default)[0].Text);
    }
}
