namespace FeedDigest.Core.Parsing;

/// <summary>One item or entry as the feed states it; text fields are plain text, links absolute.</summary>
public sealed record ParsedItem
{
    public string? Id { get; init; }
    public string? Title { get; init; }
    public string? Link { get; init; }
    public DateTimeOffset? Published { get; init; }
    public DateTimeOffset? Updated { get; init; }
    public string? Author { get; init; }

    /// <summary>The short description, as HTML (it is sanitized or flattened before it leaves Core).</summary>
    public string? Summary { get; init; }

    /// <summary>The full content, as HTML.</summary>
    public string? Content { get; init; }

    public IReadOnlyList<string> Categories { get; init; } = [];
}
