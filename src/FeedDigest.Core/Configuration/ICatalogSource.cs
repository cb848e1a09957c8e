namespace FeedDigest.Core.Configuration;

/// <summary>The catalog in force now; configuration reloads replace it.</summary>
public interface ICatalogSource
{
    Catalog Current { get; }
}
