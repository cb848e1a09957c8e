using FeedDigest.Core.Ports;
using FeedDigest.Infrastructure.Storage;
using FeedDigest.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace FeedDigest.IntegrationTests.Cli;

public sealed class DigestCommandTests
{
    [Fact]
    public async Task SuspendedAndResume_ListTheSuspendedSubscriber_AndLiftTheSuspensionOnce()
    {
        using var directory = new TempDirectory();
        await File.WriteAllTextAsync(Path.Combine(directory.Path, "appsettings.json"), """
            {
              "FeedDigest": {
                "Feeds": [ { "Id": "wire", "Url": "https://wire.example/rss" } ],
                "Topics": [ { "Id": "censorship", "Name": "Online censorship", "Keywords": [ "censorship" ] } ],
                "Subscribers": [ { "Email": "Editor@Example.org", "Topics": [ "censorship" ] } ]
              }
            }
            """);
        var now = new DateTimeOffset(2026, 11, 24, 7, 0, 0, TimeSpan.Zero);
        var settings = new Dictionary<string, string?> { ["FeedDigest:Storage:ConnectionString"] = "Data Source=data/feeddigest.db" };
        using (var host = TestHost.Build(directory.Path, settings, TimeProvider.System, withScheduler: false))
        {
            await host.Services.GetRequiredService<IDatabaseMigrator>().MigrateAsync(default);
            var store = host.Services.GetRequiredService<IDigestStore>();
            await store.GetOrCreateStateAsync("editor@example.org", now, now, default);
            Assert.True((await store.RecordRecipientRefusedAsync("editor@example.org", "127.0.0.1:25 refused the recipient: 550 5.1.1 No such user", now, 1, default)).SuspendedNow);
        }

        var (listed, listing, listError) = await FeedDigestProcess.RunAsync(directory.Path, "digest", "suspended");
        Assert.True(listed == 0, listError);
        Assert.Contains("editor@example.org\tsuspended 2026-11-24 07:00 UTC after 1 refusals in a row\t127.0.0.1:25 refused the recipient: 550 5.1.1 No such user", listing, StringComparison.Ordinal);

        var (resumed, resumedOutput, resumeError) = await FeedDigestProcess.RunAsync(directory.Path, "digest", "resume", "--subscriber", "Editor@Example.org");
        Assert.True(resumed == 0, resumeError);
        Assert.Contains("Resumed editor@example.org", resumedOutput, StringComparison.Ordinal);

        var (again, _, againError) = await FeedDigestProcess.RunAsync(directory.Path, "digest", "resume", "--subscriber", "editor@example.org");
        Assert.Equal(1, again);
        Assert.Contains("editor@example.org is not suspended", againError, StringComparison.Ordinal);
        Assert.Contains("No subscriber is suspended.", (await FeedDigestProcess.RunAsync(directory.Path, "digest", "suspended")).Stdout, StringComparison.Ordinal);
    }
}
