namespace FeedDigest.Core.Parsing;

/// <summary>A text construct both as plain text (titles, names) and as HTML (summaries, content).</summary>
internal readonly record struct TextValue(string Plain, string Html);
