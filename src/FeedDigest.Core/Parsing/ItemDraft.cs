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

    /// <summary>An identifier that may stand in for a missing link; checked only when no link is found.</summary>
    public string? IdForLink { get; private set; }

    /// <summary>Offers an RSS permalink guid or an Atom id as the item's fallback link (the first one counts).</summary>
    public void OfferIdAsLink(string? id) => IdForLink ??= string.IsNullOrEmpty(id) ? null : id;

    /// <summary>Empties the draft for the next item (a reader of many items reuses one draft).</summary>
    public void Reset()
    {
        Title = default;
        Link = default;
        Id = default;
        Published = default;
        Updated = default;
        Author = default;
        Summary = default;
        Content = default;
        Categories.Clear();
        IdForLink = null;
    }

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
        if (IdForLink is not null && (!Link.HasValue || Link.Value!.Length == 0))
        {
            FeedElementReader.OfferIdAsLink(ref Link, IdForLink);
        }

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
            // A copy: the draft may be reused for the next item.
            Categories = Categories.Count == 0 ? [] : Categories.ToArray(),
        };
    }
}
