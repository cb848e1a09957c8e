namespace FeedDigest.Infrastructure.Storage;

public sealed class StorageOptions
{
    public const string SectionName = "FeedDigest:Storage";

    /// <summary>Only "Sqlite" for now; the stores sit behind Core's ports so others can follow.</summary>
    public string Provider { get; set; } = "Sqlite";

    /// <summary>A relative Data Source starts at the content root.</summary>
    public string ConnectionString { get; set; } = "Data Source=data/feeddigest.db";

    public IEnumerable<string> Validate()
    {
        if (!string.Equals(Provider, "Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            yield return $"{SectionName}:Provider: \"{Provider}\" is not supported; use \"Sqlite\".";
        }

        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return $"{SectionName}:ConnectionString must not be empty (e.g. \"Data Source=data/feeddigest.db\").";
        }
    }
}
