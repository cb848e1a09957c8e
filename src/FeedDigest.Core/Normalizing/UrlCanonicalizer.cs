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
    public static string Canonicalize(string url, IReadOnlySet<string>? extraTrackingParameters = null)
    {
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return url.Trim();
        }

        // Uri has already lower-cased the host and escaped the path; only the query needs sifting.
        // http and https name the same story: the scheme is not part of its identity.
        var query = uri.Query.Length <= 1 ? string.Empty : string.Join('&', uri.Query[1..]
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(pair => !IsTracking(pair[..(pair.IndexOf('=', StringComparison.Ordinal) is var i and >= 0 ? i : pair.Length)], extraTrackingParameters)));
        var port = uri.IsDefaultPort ? string.Empty : ":" + uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return string.Concat("https://", uri.IdnHost, port, uri.AbsolutePath, query.Length == 0 ? string.Empty : "?", query);
    }

    private static bool IsTracking(string name, IReadOnlySet<string>? extra) =>
        name.StartsWith("utm_", StringComparison.OrdinalIgnoreCase) || TrackingParameters.Contains(name) || (extra?.Contains(name) ?? false);
}
