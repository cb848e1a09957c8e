using FeedDigest.Core.Ports;
using FeedDigest.IntegrationTests.Support;
using FeedDigest.Service.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using MimeKit;

namespace FeedDigest.IntegrationTests;

/// <summary>
/// The README's promise: on the shipped example configuration and sample feeds, offline, the service
/// writes a digest .eml to data/outbox, and a restart sends none of those stories again.
/// </summary>
public sealed class SampleConfigurationTests
{
    [Fact]
    public async Task ShippedExample_WritesDigestToPickupFolder_AndRestartSendsNothingAgain()
    {
        using var directory = new TempDirectory();
        var root = RepositoryRoot();
        File.Copy(Path.Combine(root, "appsettings.example.json"), Path.Combine(directory.Path, "appsettings.json"));
        CopyDirectory(Path.Combine(root, "samples"), Path.Combine(directory.Path, "samples"));
        var outbox = Path.Combine(directory.Path, "data", "outbox");
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero));

        using (var host = BuildHost(directory.Path, clock))
        {
            await host.StartAsync();
            var store = host.Services.GetRequiredService<IFeedStore>();
            Assert.True(await Eventually.WaitUntilAsync(async () => (await store.GetStoriesAfterAsync(0, 100, default)).Count == 10, TimeSpan.FromSeconds(30)), "the 10 sample stories were not stored");
            await host.Services.GetRequiredService<IDigestStore>().GetOrCreateStateAsync("demo@example.org", clock.GetUtcNow(), clock.GetUtcNow().AddDays(-1), default);
            Assert.True(
                await Eventually.WaitWhileTickingAsync(() => Directory.Exists(outbox) && Directory.GetFiles(outbox, "*.eml").Length == 1, clock, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30)),
                "no digest in data/outbox");
            await host.StopAsync();
        }

        var message = await MimeMessage.LoadAsync(Directory.GetFiles(outbox, "*.eml").Single());
        Assert.Equal("demo@example.org", message.To.Mailboxes.Single().Address);
        Assert.StartsWith("Online censorship", message.Subject, StringComparison.Ordinal);
        Assert.Contains("VPN sellers fined as Great Firewall enforcement tightens", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("监管部门关闭数百个微信公众号", message.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("Chipmakers Report Strong Quarter", message.TextBody, StringComparison.Ordinal);
        // The example turns the web pages on, with a secret generated into data/: digests carry the one-click unsubscribe.
        Assert.StartsWith("<http://127.0.0.1:8080/unsubscribe?token=", message.Headers[HeaderId.ListUnsubscribe], StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(directory.Path, "data", "web-token.secret")));

        using (var host = BuildHost(directory.Path, clock))
        {
            await host.StartAsync();
            var restartedAt = clock.GetUtcNow();
            var digests = host.Services.GetRequiredService<IDigestStore>();

            // Quartz runs on the injected clock too: let fake time pass until the digest job has run.
            Assert.True(
                await Eventually.WaitUntilAsync(
                    async () =>
                    {
                        clock.Advance(TimeSpan.FromSeconds(15));
                        var state = await digests.GetOrCreateStateAsync("demo@example.org", clock.GetUtcNow(), clock.GetUtcNow(), default);
                        return state.LastSlotAt > restartedAt;
                    },
                    TimeSpan.FromSeconds(30)),
                "the digest job did not run after the restart");
            await host.StopAsync();
        }

        Assert.Single(Directory.GetFiles(outbox, "*.eml"));
    }

    private static IHost BuildHost(string contentRoot, TimeProvider clock) =>
        FeedDigestHost.CreateBuilder(
            configFile: null,
            withScheduler: true,
            builder =>
            {
                // The example's web pages, on a free port: 8080 may be taken on a shared machine.
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["FeedDigest:Web:Urls"] = "http://127.0.0.1:0" });
                builder.Services.Replace(ServiceDescriptor.Singleton(clock));
                builder.Logging.ClearProviders();
            },
            contentRoot).Build();

    private static void CopyDirectory(string source, string target)
    {
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }

    internal static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "FeedDigest.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("FeedDigest.sln not found above the test folder.");
    }
}
