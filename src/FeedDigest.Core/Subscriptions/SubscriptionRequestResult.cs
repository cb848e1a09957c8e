namespace FeedDigest.Core.Subscriptions;

/// <param name="RequestId">What the confirmation link's token names.</param>
/// <param name="SendConfirmation">False when a confirmation went to the address within the resend interval: asking again sends no flood.</param>
public sealed record SubscriptionRequestResult(string RequestId, bool SendConfirmation);
