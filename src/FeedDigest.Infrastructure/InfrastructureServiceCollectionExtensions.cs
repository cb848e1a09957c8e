using FeedDigest.Core.Polling;
using FeedDigest.Core.Ports;
using FeedDigest.Infrastructure.Fetching;
using FeedDigest.Infrastructure.Mail;
using FeedDigest.Infrastructure.Storage;
using FeedDigest.Infrastructure.Storage.Sqlite;
using FeedDigest.Infrastructure.Threading;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FeedDigest.Infrastructure;

public static class InfrastructureServiceCollectionExtensions
{
    /// <summary>Registers the fetcher, the stores of the configured provider and the mail transport.</summary>
    public static IServiceCollection AddFeedDigestInfrastructure(this IServiceCollection services, string contentRoot)
    {
        services.AddFeedFetching();
        services.AddSingleton(provider => new SqliteConnectionFactory(provider.GetRequiredService<IOptions<StorageOptions>>().Value.ConnectionString, contentRoot));
        services.AddSingleton<IDatabaseMigrator, SqliteMigrator>();
        services.AddSingleton<IFeedStore, SqliteFeedStore>();
        services.AddSingleton<IDigestStore, SqliteDigestStore>();
        services.AddSingleton<IStoryClusterIndex, SqliteStoryClusterIndex>();
        services.AddSingleton<ISubscriptionStore, SqliteSubscriptionStore>();
        services.AddSingleton<IOperationsStore, SqliteOperationsStore>();
        services.AddSingleton<ILowPriorityRunner, LowPriorityThread>();

        services.AddSingleton(new DkimMessageSigner(contentRoot));
        // Both transports, chosen per message: the container disposes the SMTP one (its open connection).
        services.AddSingleton<SmtpMailSender>();
        services.AddSingleton(provider => new PickupFolderMailSender(
            provider.GetRequiredService<IOptionsMonitor<MailOptions>>(), provider.GetRequiredService<DkimMessageSigner>(), contentRoot));
        services.AddSingleton<IMailSender, ConfiguredTransportMailSender>();
        return services;
    }

    /// <summary>Registers only the fetcher: what <c>feeddigest parse</c> needs, without a database.</summary>
    public static IServiceCollection AddFeedFetching(this IServiceCollection services)
    {
        services.AddHttpClient(FeedFetcher.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(provider => FeedFetcher.CreateHandler(provider.GetRequiredService<IOptions<PollingOptions>>().Value, proxy: null))
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan)
            // The poller logs each fetch's outcome once; the factory's per-request log handlers cost
            // a scope and two checks per request for lines nobody reads.
            .RemoveAllLoggers();
        services.AddSingleton<IFeedFetcher, FeedFetcher>();
        return services;
    }
}
