namespace FeedDigest.ClusterBench;

/// <summary>One synthetic news event: its stories are generated from <see cref="Seed"/>, so they can be made again.</summary>
internal sealed record SyntheticEvent(long Id, int Seed, int Size, DateTimeOffset Start, bool Chinese);
