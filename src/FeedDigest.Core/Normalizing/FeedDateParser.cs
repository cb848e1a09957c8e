using System.Globalization;

namespace FeedDigest.Core.Normalizing;

/// <summary>Lenient feed date parsing; garbage gives null, never an exception.</summary>
public static class FeedDateParser
{
    public static DateTimeOffset? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        return DateTimeOffset.TryParse(value.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed
            : null;
    }
}
