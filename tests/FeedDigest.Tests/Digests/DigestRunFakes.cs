using FeedDigest.Core.Configuration;
using FeedDigest.Core.Ports;
using Microsoft.Extensions.Options;

namespace FeedDigest.Tests.Digests;

/// <summary>The catalog a digest run reads, as a fixed one.</summary>
internal sealed class FixedCatalog(Catalog catalog) : ICatalogSource
{
    public Catalog Current => catalog;
}

/// <summary>Options that never change.</summary>
internal sealed class FixedOptions<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue => value;

    public T Get(string? name) => value;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}

/// <summary>A mail sender at the port: keeps every message and reports it delivered.</summary>
internal sealed class RecordingSender : IMailSender
{
    public List<OutgoingMessage> Sent { get; } = [];

    public Task<DeliveryResult> SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        Sent.Add(message);
        return Task.FromResult<DeliveryResult>(new DeliveryResult.Delivered());
    }
}
