using System.Security.Cryptography;

namespace FeedDigest.Core.Feeds;

/// <summary>
/// The stored feeds that the configuration now calls by another Id. An admin who renames a feed (in
/// the file, or with <c>feeds remove</c> and <c>feeds add</c>) and keeps its Url means the same feed:
/// its stories, their keys and its polling state (validators, next check, failures, 410 Gone) are that
/// feed's, and taking it for a new feed would send its undated and recent items again.
/// </summary>
/// <remarks>
/// <para>
/// A stored feed S moves to the configured feed C's Id when C's Url is a Url of S, S's Id is not C's,
/// S is the only stored feed with that Url, C the only configured feed with a Url of S, and the
/// configuration does not keep S's Id at a Url of S. A stored feed's Urls are its configured one and
/// the one it is fetched from (<see cref="StoredFeed.FetchUri"/>: the feed its web page advertises,
/// which is what <c>feeds add</c> writes for a page's address). Whether C's Id is stored already does not matter: two feeds may
/// swap their Ids, a renamed feed's old Id may go to another feed in the same edit, and a feed may be
/// renamed to an Id that a feed removed long ago still has a row for. Urls compare as
/// <see cref="Uri.AbsoluteUri"/> writes them (scheme and host lower-cased, default port dropped), the
/// form the store keeps and compares when it notices a changed Url.
/// </para>
/// <para>
/// A stored feed that holds an Id a rename takes, and is not itself renamed, is moved out of the way to
/// an archive Id (<see cref="Archived"/>): it is no longer configured, and keeps its stories and key
/// seed under that Id; its Url, configured again later, finds it by the same rule. Where more than one
/// stored feed could be meant, or more than one configured feed has the Url, nothing is renamed: see
/// <see cref="Ambiguous"/>.
/// </para>
/// </remarks>
/// <param name="Renamed">The stored feeds to rename, each to its configured Id.</param>
/// <param name="Ambiguous">The configured feeds that share a stored feed's Url but are not taken as its rename.</param>
public sealed record FeedRenames(IReadOnlyList<FeedRename> Renamed, IReadOnlyList<AmbiguousRename> Ambiguous)
{
    /// <summary>What an archived row's new Id is made of: <c>{id}~removed-{8 hex digits}</c>.</summary>
    public const string ArchiveMark = "~removed-";

    /// <summary>What a swap's temporary Ids are made of, for the length of one transaction.</summary>
    public const string TemporaryMark = "~renaming-";

    /// <summary>Whether a configured id has a form the store keeps for the ids it gives (archived rows, a swap's temporary ids).</summary>
    public static bool IsReserved(string id) =>
        id.Contains(ArchiveMark, StringComparison.Ordinal) || id.Contains(TemporaryMark, StringComparison.Ordinal);

    public static FeedRenames None { get; } = new([], []);

    /// <summary>The stored feeds moved out of a rename's way: <see cref="FeedRename.OldId"/> to an archive Id.</summary>
    public IReadOnlyList<FeedRename> Archived { get; init; } = [];

    /// <summary>
    /// Every change of Id, in the order the store makes them: the archived rows first, then the
    /// renames, each once its new Id is free; renames that form a cycle (two feeds swap their Ids)
    /// go through a temporary Id.
    /// </summary>
    public IReadOnlyList<FeedIdMove> Moves { get; init; } = [];

    public static FeedRenames Find(IReadOnlyList<Feed> configured, IReadOnlyList<StoredFeed> stored)
    {
        ArgumentNullException.ThrowIfNull(configured);
        ArgumentNullException.ThrowIfNull(stored);
        var storedByUrl = stored.SelectMany(s => UrlsOf(s).Select(url => (url, s))).ToLookup(p => p.url, p => p.s, StringComparer.Ordinal);
        var configuredByUrl = configured.ToLookup(c => c.Source.AbsoluteUri, StringComparer.Ordinal);

        // The configuration keeps a stored feed when it has a feed with its Id at one of its Urls.
        bool Kept(StoredFeed s) => UrlsOf(s).Any(url => configuredByUrl[url].Any(c => c.Id == s.Id));

        var renamed = new List<FeedRename>();
        var unclear = new List<Feed>();
        foreach (var feed in configured)
        {
            var url = feed.Source.AbsoluteUri;
            var matches = storedByUrl[url].Distinct().ToList();
            if (matches.Count == 0 || matches.Any(s => s.Id == feed.Id))
            {
                continue;
            }

            var claimants = UrlsOf(matches[0]).SelectMany(u => configuredByUrl[u]).Distinct().Count();
            if (matches.Count == 1 && claimants == 1 && !Kept(matches[0]))
            {
                renamed.Add(new FeedRename(matches[0].Id, feed.Id, feed.Source));
            }
            else
            {
                unclear.Add(feed);
            }
        }

        var ambiguous = unclear
            .GroupBy(f => f.Source.AbsoluteUri, StringComparer.Ordinal)
            .Select(sameUrl =>
            {
                var matches = storedByUrl[sameUrl.Key].Distinct().ToList();
                return new AmbiguousRename(
                    sameUrl.Select(f => f.Id).ToList(),
                    sameUrl.First().Source,
                    matches.Where(s => !Kept(s)).Select(s => s.Id).Order(StringComparer.Ordinal).ToList(),
                    matches.Where(Kept).Select(s => s.Id).Order(StringComparer.Ordinal).ToList());
            })
            .ToList();
        if (renamed.Count == 0)
        {
            return ambiguous.Count == 0 ? None : new FeedRenames([], ambiguous);
        }

        var taken = stored.Select(s => s.Id).Concat(configured.Select(c => c.Id)).ToHashSet(StringComparer.Ordinal);
        var moving = renamed.Select(r => r.OldId).ToHashSet(StringComparer.Ordinal);
        var targets = renamed.Select(r => r.NewId).ToHashSet(StringComparer.Ordinal);
        var archived = stored
            .Where(s => targets.Contains(s.Id) && !moving.Contains(s.Id))
            .Select(s => new FeedRename(s.Id, FreeId(s.Id + ArchiveMark, taken), s.Source))
            .ToList();
        return new FeedRenames(renamed, ambiguous) { Archived = archived, Moves = Order(archived, renamed, stored, taken) };
    }

    /// <summary>A stored feed's Urls: the one configured, and the one it is fetched from when that differs.</summary>
    private static IEnumerable<string> UrlsOf(StoredFeed feed) =>
        feed.FetchUri is { } fetched && fetched.AbsoluteUri != feed.Source.AbsoluteUri ? [feed.Source.AbsoluteUri, fetched.AbsoluteUri] : [feed.Source.AbsoluteUri];

    /// <summary>The archives, then each rename once its Id is free; a cycle is broken with a temporary Id.</summary>
    private static List<FeedIdMove> Order(List<FeedRename> archived, List<FeedRename> renamed, IReadOnlyList<StoredFeed> stored, HashSet<string> taken)
    {
        var moves = new List<FeedIdMove>();
        var held = stored.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        void Move(string from, string to)
        {
            moves.Add(new FeedIdMove(from, to));
            held.Remove(from);
            held.Add(to);
        }

        foreach (var archive in archived)
        {
            Move(archive.OldId, archive.NewId);
        }

        var pending = renamed.Select(r => (From: r.OldId, To: r.NewId)).ToList();
        while (pending.Count > 0)
        {
            var ready = pending.FindIndex(p => !held.Contains(p.To));
            if (ready >= 0)
            {
                Move(pending[ready].From, pending[ready].To);
                pending.RemoveAt(ready);
            }
            else
            {
                // Every Id wanted is held by a feed still to move: a cycle.
                var temporary = FreeId(pending[0].From + TemporaryMark, taken);
                Move(pending[0].From, temporary);
                pending[0] = (temporary, pending[0].To);
            }
        }

        return moves;
    }

    /// <summary><paramref name="prefix"/> and 8 random hex digits, held by no stored or configured feed.</summary>
    private static string FreeId(string prefix, HashSet<string> taken)
    {
        string id;
        do
        {
            id = prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        }
        while (!taken.Add(id));

        return id;
    }
}
