namespace FeedDigest.Core.Polling;

public sealed record PollReport(int FeedsChecked, int FeedsFailed, int NewStories);
