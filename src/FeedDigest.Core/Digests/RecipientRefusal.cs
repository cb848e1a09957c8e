namespace FeedDigest.Core.Digests;

/// <summary>What recording a refused recipient did: how many refusals in a row, and whether it suspended them now.</summary>
public sealed record RecipientRefusal(int FailuresInARow, bool SuspendedNow);
