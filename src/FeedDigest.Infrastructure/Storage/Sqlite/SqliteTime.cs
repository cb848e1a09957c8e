using System.Globalization;

namespace FeedDigest.Infrastructure.Storage.Sqlite;

/// <summary>SQLite has no time type: UTC text in one fixed-width format compares correctly as text.</summary>
internal static class SqliteTime
{
    // "O" of a UTC time is yyyy-MM-ddTHH:mm:ss.fffffffZ, and it has fast paths both ways that a
    // custom pattern of the same shape does not (a time is written per story and read per feed).
    private const string Format = "O";

    public static string ToText(DateTimeOffset value) =>
        value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);

    public static string? ToText(DateTimeOffset? value) => value is { } v ? ToText(v) : null;

    public static DateTimeOffset FromText(string text) =>
        DateTimeOffset.ParseExact(text, Format, CultureInfo.InvariantCulture, DateTimeStyles.None);

    public static DateTimeOffset? FromNullableText(string? text) => text is null ? null : FromText(text);
}
