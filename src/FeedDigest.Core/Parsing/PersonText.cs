using System.Text.RegularExpressions;

namespace FeedDigest.Core.Parsing;

/// <summary>
/// The display name in a free-form person string such as RSS's <c>&lt;author&gt;</c>, which RSS 2.0 defines
/// as an e-mail address but which feeds fill with "jane@example.org (Jane Doe)", "Jane Doe &lt;jane@…&gt;"
/// or just a name. The name is returned when there is one, else the address (feedparser and gofeed
/// split these strings the same way).
/// </summary>
internal static partial class PersonText
{
    public static string? DisplayName(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var value = FeedText.CollapseWhiteSpace(text);
        if (!value.Contains('@', StringComparison.Ordinal))
        {
            return value;
        }

        var email = EmailAddress().Match(value);
        if (!email.Success)
        {
            return value;
        }

        var name = value.Remove(email.Index, email.Length)
            .Replace("()", string.Empty, StringComparison.Ordinal)
            .Replace("<>", string.Empty, StringComparison.Ordinal)
            .Replace("&lt;&gt;", string.Empty, StringComparison.Ordinal)
            .Replace("mailto:", string.Empty, StringComparison.OrdinalIgnoreCase)
            .Trim()
            .Trim('(', ')', '"', '\'', ' ', '<', '>')
            .Trim();
        return name.Length > 0 ? name : email.Value;
    }

    [GeneratedRegex("""[A-Za-z0-9_.+\-]+@(?:\[[0-9]{1,3}(?:\.[0-9]{1,3}){3}\]|(?:[A-Za-z0-9\-]+\.)+[A-Za-z]{2,})""", RegexOptions.CultureInvariant)]
    private static partial Regex EmailAddress();
}
