using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Fluid;
using Microsoft.Extensions.Options;
using FeedDigest.Core.Configuration;
using FeedDigest.Core.Normalizing;
using FeedDigest.Core.Ports;
using FeedDigest.Core.Stories;
using FeedDigest.Core.Topics;

namespace FeedDigest.Core.Digests;

/// <summary>
/// Renders a claimed digest as HTML and plain text with Liquid templates. The HTML template's
/// output is HTML-encoded by Fluid, so feed text can never become markup in the email.
/// </summary>
public sealed class DigestRenderer
{
    public const string HtmlTemplateName = "digest.html.liquid";

    public const string TextTemplateName = "digest.txt.liquid";

    private static readonly FluidParser Parser = new();

    // Encodes markup characters only; Chinese and other text stays readable in the HTML source.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);
    private readonly IFluidTemplate htmlTemplate;
    private readonly IFluidTemplate textTemplate;
    private readonly TemplateOptions templateOptions;
    private readonly IDigestLinks? links;
    private readonly IOptionsMonitor<StoryOptions>? storyOptions;

    /// <summary>A renderer for digests without unsubscribe and manage links (no web pages to point to).</summary>
    public DigestRenderer()
        : this(null)
    {
    }

    public DigestRenderer(IDigestLinks? links)
        : this(links, DigestTemplates.BuiltIn)
    {
    }

    /// <param name="templates">Templates to use instead of the built-in ones; check them with <see cref="Problems"/> first.</param>
    /// <param name="storyOptions">Where the admin's own tracking parameters come from, taken out of links as the built-in ones are.</param>
    public DigestRenderer(IDigestLinks? links, DigestTemplates templates, IOptionsMonitor<StoryOptions>? storyOptions = null)
    {
        ArgumentNullException.ThrowIfNull(templates);
        this.links = links;
        this.storyOptions = storyOptions;
        htmlTemplate = templates.Html is { } html ? Parse(html, $"{templates.Origin}/{HtmlTemplateName}") : LoadTemplate(HtmlTemplateName);
        textTemplate = templates.Text is { } text ? Parse(text, $"{templates.Origin}/{TextTemplateName}") : LoadTemplate(TextTemplateName);
        templateOptions = new TemplateOptions { CultureInfo = CultureInfo.InvariantCulture };
        templateOptions.MemberAccessStrategy.MemberNameStrategy = MemberNameStrategies.SnakeCase;
        templateOptions.MemberAccessStrategy.Register<DigestView>();
        templateOptions.MemberAccessStrategy.Register<SectionView>();
        templateOptions.MemberAccessStrategy.Register<StoryView>();
        templateOptions.MemberAccessStrategy.Register<OutletView>();
        templateOptions.MemberAccessStrategy.Register<DigestLabels>();
    }

    public OutgoingMessage Render(UnsentDigest unsent, Subscriber subscriber, Catalog catalog, int summaryLength)
    {
        var subscriberLinks = links?.LinksFor(subscriber);
        var view = BuildView(unsent, subscriber, catalog, summaryLength, subscriberLinks, storyOptions?.CurrentValue.TrackingParameterSet);
        // A subscriber who asked for plain text gets a single text part.
        var html = subscriber.Format == DigestFormat.Text ? null : htmlTemplate.Render(new TemplateContext(view, templateOptions), Encoder);
        var text = textTemplate.Render(new TemplateContext(view, templateOptions), NullEncoder.Default);
        // The list a subscriber's digests belong to is their first topic, whichever topics have stories
        // that day: mail clients file and filter by it, and a filter must catch every digest.
        var listTopic = subscriber.TopicIds.Select(id => catalog.TopicsById.GetValueOrDefault(id)).OfType<Topic>().FirstOrDefault() is { } topic
            ? new MailingList(topic.Id, topic.Name)
            : null;
        return new OutgoingMessage(unsent.Digest.MessageId, subscriber.Email, subscriber.DisplayName, view.Subject, html, text, unsent.Digest.CreatedAt)
        {
            List = listTopic,
            Unsubscribe = subscriberLinks is null ? null : new ListUnsubscribe(subscriberLinks.Unsubscribe, subscriberLinks.UnsubscribeMailto),
        };
    }

    private static DigestView BuildView(UnsentDigest unsent, Subscriber subscriber, Catalog catalog, int summaryLength, SubscriberLinks? subscriberLinks, IReadOnlySet<string>? trackingParameters)
    {
        string? Link(StoredStory story) => UrlCanonicalizer.WithoutTracking(story.Link, trackingParameters);

        var zone = subscriber.Schedule.TimeZone;
        var language = DigestLanguage.For(subscriber.Language);
        var storiesById = unsent.Stories.ToDictionary(s => s.Id);
        var number = 0;
        var sections = unsent.Digest.Entries
            .OrderBy(e => e.Position)
            .GroupBy(e => e.TopicId)
            .Select(group => new SectionView(
                catalog.TopicsById.TryGetValue(group.Key, out var topic) ? topic.Name : group.Key,
                group.Where(e => e.LeadStoryId is null && storiesById.ContainsKey(e.StoryId))
                    .Select(e => ToView(storiesById[e.StoryId], e.Updated, Link, ++number, catalog, zone, language, summaryLength, AlsoFor(e, group, storiesById, catalog, Link)))
                    .ToList()))
            .Where(section => section.Stories.Count > 0)
            .ToList();

        var count = sections.Sum(s => s.Stories.Count);
        var localDate = TimeZoneInfo.ConvertTime(unsent.Digest.CreatedAt, zone);
        var topicNames = sections.Select(s => s.TopicName).ToList();
        var subject = language.Subject(topicNames, count, localDate);
        var subscribedTo = subscriber.TopicIds.Select(id => catalog.TopicsById.TryGetValue(id, out var topic) ? topic.Name : id);
        var reason = language.Reason(subscriber.Email, subscribedTo, subscriber.Schedule);
        var omitted = unsent.Digest.OmittedCount;
        return new DigestView(language.Tag, subject, language.Heading(topicNames, count), sections, omitted, omitted > 0 ? language.Omitted(omitted) : string.Empty, reason, subscriberLinks?.Unsubscribe.AbsoluteUri, subscriberLinks?.Manage.AbsoluteUri, language.Labels);
    }

    /// <summary>The other outlets' versions of a listed story, in the digest's order.</summary>
    private static List<OutletView> AlsoFor(DigestEntry lead, IEnumerable<DigestEntry> section, Dictionary<long, StoredStory> storiesById, Catalog catalog, Func<StoredStory, string?> link) =>
        section.Where(e => e.LeadStoryId == lead.StoryId && storiesById.ContainsKey(e.StoryId))
            .Select(e => storiesById[e.StoryId])
            .Select(story => new OutletView(catalog.OutletName(story.FeedId), link(story)))
            .ToList();

    private static StoryView ToView(StoredStory story, bool updated, Func<StoredStory, string?> link, int number, Catalog catalog, TimeZoneInfo zone, DigestLanguage language, int summaryLength, IReadOnlyList<OutletView> also)
    {
        var outlet = catalog.OutletName(story.FeedId);
        // Never a time to come: a feed dating its items ahead (a local time written as GMT, a
        // scheduled post) is shown when FeedDigest first saw the story.
        var time = story.PublishedAt is not null
            ? language.Time(TimeZoneInfo.ConvertTime(story.DatedAt, zone))
            : null;
        return new StoryView(number, HtmlText.ForDisplay(story.Title), link(story), outlet, time, HtmlText.Truncate(HtmlText.ForDisplay(story.Summary), summaryLength), updated, also);
    }

    /// <summary>What is wrong with an admin's templates: each one that does not parse, with Fluid's error (line and column).</summary>
    public static IReadOnlyList<string> Problems(DigestTemplates templates)
    {
        ArgumentNullException.ThrowIfNull(templates);
        var problems = new List<string>();
        foreach (var (name, source) in new[] { (HtmlTemplateName, templates.Html), (TextTemplateName, templates.Text) })
        {
            if (source is not null && !Parser.TryParse(source, out _, out var error))
            {
                problems.Add($"{templates.Origin}/{name} does not parse: {error}");
            }
        }

        return problems;
    }

    private static IFluidTemplate Parse(string source, string name) =>
        Parser.TryParse(source, out var template, out var error)
            ? template
            : throw new InvalidOperationException($"{name} does not parse: {error}; templates are checked at start, so this is a bug.");

    private static IFluidTemplate LoadTemplate(string name)
    {
        using var stream = typeof(DigestRenderer).Assembly.GetManifestResourceStream($"FeedDigest.Core.Digests.Templates.{name}")
            ?? throw new InvalidOperationException($"The built-in template {name} is missing from the assembly.");
        using var reader = new StreamReader(stream);
        var source = reader.ReadToEnd();
        return Parser.TryParse(source, out var template, out var error)
            ? template
            : throw new InvalidOperationException($"The built-in template {name} does not parse: {error}");
    }

    private sealed record DigestView(string Lang, string Subject, string Heading, IReadOnlyList<SectionView> Sections, int Omitted, string OmittedText, string Reason, string? UnsubscribeUrl, string? ManageUrl, DigestLabels Labels);

    private sealed record SectionView(string TopicName, IReadOnlyList<StoryView> Stories);

    private sealed record StoryView(int Number, string Title, string? Link, string Outlet, string? Time, string Summary, bool Updated, IReadOnlyList<OutletView> Also);

    private sealed record OutletView(string Name, string? Link);
}
