using System.Diagnostics.CodeAnalysis;

namespace FeedDigest.Core.Stories;

/// <summary>What tells one item of a feed from another (configuration: a feed's <c>Identity</c>).</summary>
public enum IdentityPolicy
{
    /// <summary>The GUID while the feed's GUIDs are usable, the canonical link, else title and date.</summary>
    Auto,

    /// <summary>The GUID alone, even where it repeats.</summary>
    [SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "Admins write \"guid\", the feeds' own word.")]
    Guid,

    /// <summary>The canonical link alone.</summary>
    Link,

    /// <summary>The title alone: for feeds whose GUIDs and links change but whose titles don't.</summary>
    Title,

    /// <summary>Title and text: for feeds with nothing stable but what they say.</summary>
    Content,
}

/// <summary>What happens when a stored story comes back with another title or text (configuration: <c>FeedDigest:Stories:EditedStories</c>).</summary>
public enum EditedStoryPolicy
{
    /// <summary>The stored story is updated; nobody gets it again.</summary>
    Ignore,

    /// <summary>The stored story is updated and goes out once more, marked as updated; later edits are only stored.</summary>
    IncludeOnce,
}
