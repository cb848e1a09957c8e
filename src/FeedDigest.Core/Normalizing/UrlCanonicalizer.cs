namespace FeedDigest.Core.Normalizing;

/// <summary>
/// One spelling per URL, so that the same story linked with tracking parameters, another case of
/// host or a fragment is recognised as the same.
/// </summary>
public static class UrlCanonicalizer
{
    private static readonly HashSet<string> TrackingParameters = new(StringComparer.OrdinalIgnoreCase)
    {
        "fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "yclid", "_hsenc", "_hsmi",
    };

    /// <param name="extraTrackingParameters">Query parameters the admin named as tracking, besides utm_* and the well-known ones.</param>
    /// <param name="keepFragment">
    /// Keep the fragment: a GUID written as a URL names one item, and a changelog's entries often
    /// differ only by their anchor (<c>/changelog#v1.1</c>, <c>/changelog#v1.2</c>).
    /// </param>
    public static string Canonicalize(string url, IReadOnlySet<string>? extraTrackingParameters = null, bool keepFragment = false)
    {
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return url.Trim();
        }

        // Uri has already lower-cased the host and escaped the path; only the query needs sifting.
        // http and https name the same story: the scheme is not part of its identity.
        var query = uri.Query.Length <= 1 ? string.Empty : string.Join('&', uri.Query[1..]
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(pair => !IsTrackingPair(pair, extraTrackingParameters)));
        var port = uri.IsDefaultPort ? string.Empty : ":" + uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var fragment = keepFragment && uri.Fragment.Length > 1 ? uri.Fragment : string.Empty;
        return string.Concat("https://", uri.IdnHost, port, uri.AbsolutePath, query.Length == 0 ? string.Empty : "?", query) + fragment;
    }

    /// <summary>
    /// The link as a reader should follow it: the same address with its tracking parameters (utm_*,
    /// the well-known click ids, the admin's list) taken out, and nothing else changed. Null for
    /// anything but an absolute http(s) URL: a javascript: or data: link from a feed never reaches a
    /// digest.
    /// </summary>
    public static string? WithoutTracking(string? url, IReadOnlySet<string>? extraTrackingParameters = null)
    {
        if (!Uri.TryCreate(url?.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return null;
        }

        var link = uri.AbsoluteUri;
        if (uri.Query.Length <= 1)
        {
            return link;
        }

        var pairs = uri.Query[1..].Split('&');
        var kept = pairs.Where(pair => !IsTrackingPair(pair, extraTrackingParameters)).ToList();
        if (kept.Count == pairs.Length)
        {
            return link;
        }

        var query = string.Join('&', kept);
        return string.Concat(uri.GetLeftPart(UriPartial.Path), query.Length == 0 ? string.Empty : "?", query, uri.Fragment);
    }

    /// <summary>Whether a query's "name=value" pair (or bare name) is a tracking parameter.</summary>
    private static bool IsTrackingPair(string pair, IReadOnlySet<string>? extra) =>
        IsTracking(pair[..(pair.IndexOf('=', StringComparison.Ordinal) is var i and >= 0 ? i : pair.Length)], extra);

    private static bool IsTracking(string name, IReadOnlySet<string>? extra) =>
        name.StartsWith("utm_", StringComparison.OrdinalIgnoreCase) || TrackingParameters.Contains(name) || (extra?.Contains(name) ?? false);
}
