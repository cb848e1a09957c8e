using FeedDigest.IntegrationTests.Support;
using FeedDigest.Service.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace FeedDigest.IntegrationTests.Service;

/// <summary>
/// Only the service watches its configuration files. A one-shot command has nothing to reload, and
/// a watcher over the content root (which holds ./data) wakes on every write to the database.
/// </summary>
public sealed class ConfigurationWatchTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ConfigurationFiles_AreWatched_OnlyByTheService(bool withScheduler)
    {
        using var directory = new TempDirectory();
        await File.WriteAllTextAsync(Path.Combine(directory.Path, FeedDigestHost.DefaultConfigFile), "{}");
        var file = Path.Combine(directory.Path, "bench.json");
        await File.WriteAllTextAsync(file, "{}");

        var builder = FeedDigestHost.CreateBuilder(file, withScheduler, b => b.Logging.ClearProviders(), directory.Path);

        var files = ((IConfigurationBuilder)builder.Configuration).Sources.OfType<FileConfigurationSource>().ToList();
        // The file named is read instead of appsettings.json.
        Assert.DoesNotContain(files, source => source.Path == FeedDigestHost.DefaultConfigFile);
        Assert.Contains(files, source => source.Path == "bench.json");
        Assert.All(files, source => Assert.Equal(withScheduler, source.ReloadOnChange));
    }
}
