using FeedDigest.Core.Configuration;
using FeedDigest.Core.Ports;
using Microsoft.Extensions.Options;

namespace FeedDigest.DigestBench;

/// <summary>The benchmark's catalog, fixed for the run.</summary>
internal sealed class FixedCatalog(Catalog catalog) : ICatalogSource
{
    public Catalog Current => catalog;
}

internal sealed class FixedOptions<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue => value;

    public T Get(string? name) => value;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}

/// <summary>Sending is not what is measured: every message is taken and dropped.</summary>
internal sealed class DiscardingSender : IMailSender
{
    public Task<DeliveryResult> SendAsync(OutgoingMessage message, CancellationToken cancellationToken) =>
        Task.FromResult<DeliveryResult>(new DeliveryResult.Delivered());
}

/// <summary>The benchmark's "now", where its stories end; fixed, so every run sees the same due slots.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
