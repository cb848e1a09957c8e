namespace FeedDigest.Core.Parsing;

/// <summary>The feed-level fields as the channel's elements are read (see <see cref="ItemDraft"/>).</summary>
internal sealed class FeedDraft
{
    public Candidate<string> Title;
    public Candidate<string> Link;
}
