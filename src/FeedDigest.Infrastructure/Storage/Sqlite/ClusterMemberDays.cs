namespace FeedDigest.Infrastructure.Storage.Sqlite;

/// <summary>
/// cluster_member_days (0013_cluster_member_days.sql): for each day that has cluster members, the
/// lowest and highest story id among them, so that the members of a span of time are read as a
/// range of the members' primary key.
/// </summary>
internal static class ClusterMemberDays
{
    /// <summary>The day undated members are kept under.</summary>
    public const long Undated = long.MinValue;

    /// <summary>Adds a batch's members of one day: ?1 the day, ?2 and ?3 their lowest and highest story id.</summary>
    public const string RecordSql =
        """
        INSERT INTO cluster_member_days (day, first_story, last_story) VALUES (?1, ?2, ?3)
            ON CONFLICT (day) DO UPDATE SET first_story = min(first_story, excluded.first_story), last_story = max(last_story, excluded.last_story)
        """;

    /// <summary>Counts the days again from the members: after members were deleted.</summary>
    public const string RebuildSql =
        """
        DELETE FROM cluster_member_days;
        INSERT INTO cluster_member_days (day, first_story, last_story)
            SELECT coalesce(at / 86400, -9223372036854775808), min(story_id), max(story_id) FROM cluster_members GROUP BY 1;
        """;

    private const long SecondsPerDay = 86_400;

    /// <summary>The day of a time (unix seconds), as SQLite's integer division gives it: truncated toward zero.</summary>
    public static long Of(long at) => at / SecondsPerDay;
}
