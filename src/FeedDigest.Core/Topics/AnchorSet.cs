namespace FeedDigest.Core.Topics;

/// <summary>Anchors at least one of which occurs in every story a query node matches.</summary>
internal sealed class AnchorSet(IReadOnlyList<Anchor> items)
{
    public IReadOnlyList<Anchor> Items { get; } = items;

    public double Cost { get; } = items.Sum(anchor => anchor.Cost);
}
