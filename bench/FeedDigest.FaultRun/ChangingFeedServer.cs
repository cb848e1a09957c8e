using System.Globalization;
using System.Net;
using System.Security;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FeedDigest.FaultRun;

/// <summary>One item as the feed server published it; <see cref="Topic"/> is the topic word its title carries, if any.</summary>
public sealed record PublishedItem(string Id, int Feed, string? Topic, DateTimeOffset Published)
{
    public string Title { get; set; } = string.Empty;

    public string Summary { get; set; } = string.Empty;
}

/// <summary>
/// RSS feeds on 127.0.0.1 that change while the service runs: new items appear, matching a topic
/// or not, and published items are edited (new words, same topic word, so whether an item matches
/// never changes). Items stay in their feed for the whole run, so every published item is fetched
/// sooner or later and the expected deliveries follow from what was published alone.
/// </summary>
public sealed class ChangingFeedServer : IAsyncDisposable
{
    private readonly Lock gate = new();
    private readonly List<PublishedItem> items = [];
    private readonly WebApplication app;
    private readonly Random random;
    private readonly IReadOnlyList<string> topicWords;

    private ChangingFeedServer(WebApplication app, int feedCount, IReadOnlyList<string> topicWords, Random random)
    {
        this.app = app;
        this.topicWords = topicWords;
        this.random = random;
        FeedCount = feedCount;
    }

    public int FeedCount { get; }

    public Uri BaseUri { get; private set; } = null!;

    public int Edits { get; private set; }

    public static async Task<ChangingFeedServer> StartAsync(int feedCount, IReadOnlyList<string> topicWords, Random random)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new ChangingFeedServer(app, feedCount, topicWords, random);
        app.Run(server.AnswerAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUri = new Uri(address.TrimEnd('/') + "/");
        return server;
    }

    public Uri FeedUri(int feed) => new(BaseUri, string.Create(CultureInfo.InvariantCulture, $"feeds/{feed}.xml"));

    /// <summary>A copy of every item published so far, with its current title.</summary>
    public IReadOnlyList<PublishedItem> Snapshot()
    {
        lock (gate)
        {
            return items.Select(i => i with { }).ToList();
        }
    }

    /// <summary>Publishes a new item in a random feed; about one in four carries no topic word.</summary>
    public PublishedItem Publish()
    {
        lock (gate)
        {
            var topic = random.Next(4) == 0 ? null : topicWords[random.Next(topicWords.Count)];
            var item = new PublishedItem(string.Create(CultureInfo.InvariantCulture, $"s{items.Count:D5}"), random.Next(FeedCount), topic, TimeProvider.System.GetUtcNow());
            Rewrite(item);
            items.Add(item);
            return item;
        }
    }

    /// <summary>Gives a random published item new words (its topic word stays).</summary>
    public void EditOne()
    {
        lock (gate)
        {
            if (items.Count == 0)
            {
                return;
            }

            Rewrite(items[random.Next(items.Count)]);
            Edits++;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    /// <summary>
    /// Words made of random letters keep the stories apart for the clusterer and cannot be taken for
    /// a topic word; the filler word "driftwood" starts the titles that match no topic.
    /// </summary>
    private void Rewrite(PublishedItem item)
    {
        item.Title = $"{item.Topic ?? "driftwood"} {RandomWord()} {RandomWord()} {RandomWord()}";
        item.Summary = $"{RandomWord()} {RandomWord()} {RandomWord()} {RandomWord()} {RandomWord()}.";
    }

    private string RandomWord()
    {
        Span<char> letters = stackalloc char[8];
        for (var i = 0; i < letters.Length; i++)
        {
            letters[i] = (char)('a' + random.Next(26));
        }

        return new string(letters);
    }

    private async Task AnswerAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        if (!path.StartsWith("/feeds/", StringComparison.Ordinal) || !path.EndsWith(".xml", StringComparison.Ordinal)
            || !int.TryParse(path["/feeds/".Length..^".xml".Length], NumberStyles.None, CultureInfo.InvariantCulture, out var feed)
            || feed >= FeedCount)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        context.Response.ContentType = "application/rss+xml; charset=utf-8";
        await context.Response.WriteAsync(Render(feed), context.RequestAborted);
    }

    private string Render(int feed)
    {
        var rss = new StringBuilder();
        rss.Append(CultureInfo.InvariantCulture, $"<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>Feed {feed}</title><link>{BaseUri}</link><description>fault run</description>");
        lock (gate)
        {
            foreach (var item in items.Where(i => i.Feed == feed))
            {
                var link = SecurityElement.Escape(ItemLink(item.Id));
                rss.Append(CultureInfo.InvariantCulture,
                    $"<item><title>{SecurityElement.Escape(item.Title)}</title><link>{link}</link><guid isPermaLink=\"true\">{link}</guid><description>{SecurityElement.Escape(item.Summary)}</description><pubDate>{item.Published.ToString("r", CultureInfo.InvariantCulture)}</pubDate></item>");
            }
        }

        rss.Append("</channel></rss>");
        return rss.ToString();
    }

    /// <summary>The item's link, from which the SMTP sink reads back which stories a digest listed.</summary>
    public string ItemLink(string id) => new Uri(BaseUri, "items/" + WebUtility.UrlEncode(id)).AbsoluteUri;
}
