namespace FeedDigest.Core.Digests;

/// <summary>
/// Liquid template sources an admin supplies in place of the built-in ones (from
/// <see cref="DigestOptions.TemplatesFolder"/>); a null source keeps the built-in template.
/// <paramref name="Origin"/> names where they came from, for messages about them.
/// </summary>
public sealed record DigestTemplates(string? Html, string? Text, string Origin)
{
    public static DigestTemplates BuiltIn { get; } = new(null, null, "built-in");
}
