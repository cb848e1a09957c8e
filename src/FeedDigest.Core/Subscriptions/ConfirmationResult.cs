namespace FeedDigest.Core.Subscriptions;

/// <param name="Subscriber">The subscriber the request became, when <paramref name="Status"/> is <see cref="ConfirmationStatus.Confirmed"/>.</param>
public sealed record ConfirmationResult(ConfirmationStatus Status, WebSubscriber? Subscriber = null);
