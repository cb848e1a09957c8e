using System.Globalization;
using System.Text;

namespace FeedDigest.Infrastructure.Storage.Sqlite;

/// <summary>Ids handed to SQLite as one JSON array parameter, read back with <c>json_each</c>: one statement for a set of any size.</summary>
internal static class SqliteJson
{
    /// <summary>The ids as a JSON array of numbers, written directly (the serializer's first use costs more than the rest of a short command).</summary>
    public static string Array(IEnumerable<long> values)
    {
        var builder = new StringBuilder("[");
        foreach (var value in values)
        {
            if (builder.Length > 1)
            {
                builder.Append(',');
            }

            builder.Append(value.ToString(CultureInfo.InvariantCulture));
        }

        return builder.Append(']').ToString();
    }
}
