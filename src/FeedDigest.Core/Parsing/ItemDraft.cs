namespace FeedDigest.Core.Parsing;

/// <summary>
/// The fields of one item as its elements are read, whichever reader reads them. Both the Syndication
/// path and the tolerant path fill a draft, so the precedence between an element and its fallbacks
/// (title over dc:title over media:title …) is decided in one place: <see cref="FeedElementReader"/>.
/// </summary>
internal sealed class ItemDraft
{
    public Candidate<string> Title;
    public Candidate<string> Link;
    public Candidate<string> Id;
    public Candidate<DateTimeOffset> Published;
    public Candidate<DateTimeOffset> Updated;
    public Candidate<string> Author;
    public Candidate<string> Summary;
    public Candidate<string> Content;

    public List<string> Categories { get; } = [];

    public void AddCategory(string? category)
    {
        var trimmed = category?.Trim();
        if (!string.IsNullOrEmpty(trimmed) && !Categories.Contains(trimmed))
        {
            Categories.Add(trimmed);
        }
    }

    public ParsedItem ToParsedItem()
    {
        // feedparser reports the publication time as the update time of an item that states none.
        if (Published.HasValue)
        {
            Updated.Offer(Published.Value, 9);
        }

        return new()
        {
            Id = Id.Value,
            Title = Title.Value,
            Link = Link.Value,
            Published = Published.HasValue ? Published.Value.ToUniversalTime() : null,
            Updated = Updated.HasValue ? Updated.Value.ToUniversalTime() : null,
            Author = Author.Value,
            Summary = Summary.Value,
            Content = Content.Value,
            Categories = Categories,
        };
    }
}
