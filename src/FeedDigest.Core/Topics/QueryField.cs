namespace FeedDigest.Core.Topics;

/// <summary>Where a query term is looked for.</summary>
public enum QueryField
{
    /// <summary>No scope written: the title or the summary.</summary>
    TitleOrSummary,
    Title,
    Summary,

    /// <summary>The feed's configured id or its title.</summary>
    Source,

    /// <summary>Any of the story's categories (tags) as the feed gives them.</summary>
    Category,

    /// <summary>The language configured for the feed (a BCP 47 tag such as zh-CN).</summary>
    Lang,
}
