namespace FeedDigest.Core.Stories.Clustering;

public enum ClusterIndexOutcome
{
    /// <summary>The story was recorded in the cluster given.</summary>
    Added,

    /// <summary>The story was recorded before; the cluster given is the one it is in. Nothing changed.</summary>
    AlreadyIndexed,

    /// <summary>The cluster's version moved on since it was read; nothing changed, read again.</summary>
    Conflict,
}
