namespace FeedDigest.Service.Web;

/// <summary>A link on a page: an address on this site, as the forms' actions are, and its words.</summary>
internal sealed record PageLink(string Href, string Text);
