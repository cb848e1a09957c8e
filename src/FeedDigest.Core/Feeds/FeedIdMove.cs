namespace FeedDigest.Core.Feeds;

/// <summary>One change of a stored feed's Id, with everything stored under it (<see cref="FeedRenames.Moves"/>).</summary>
public sealed record FeedIdMove(string From, string To);
