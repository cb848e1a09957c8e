using System.Text.Json;
using FeedDigest.IntegrationTests.Support;
using Microsoft.Data.Sqlite;

namespace FeedDigest.IntegrationTests.Cli;

/// <summary><c>feeddigest db backup|vacuum</c> on real SQLite files, and the JSON log format.</summary>
public sealed class DbCommandTests
{
    [Fact]
    public async Task Backup_IsAConsistentCopyOfTheDatabase_AndVacuumKeepsEveryStory()
    {
        using var directory = new TempDirectory();
        await WriteConfigurationAsync(directory.Path);
        await RunOkAsync(directory.Path, "poll", "--once");
        var database = Path.Combine(directory.Path, "data", "feeddigest.db");
        var stories = await CountStoriesAsync(database);
        Assert.Equal(3, stories);

        var backup = Path.Combine(directory.Path, "backups", "copy.db");
        Directory.CreateDirectory(Path.GetDirectoryName(backup)!);
        var stdout = await RunOkAsync(directory.Path, "db", "backup", backup);

        Assert.Contains($"to {backup}", stdout, StringComparison.Ordinal);
        Assert.Equal(stories, await CountStoriesAsync(backup));
        Assert.Equal("ok", await ScalarAsync(backup, "PRAGMA integrity_check"));
        // One file to carry away: no WAL or temporary file beside it.
        Assert.Equal(["copy.db"], Directory.GetFiles(Path.GetDirectoryName(backup)!).Select(Path.GetFileName));

        var vacuum = await RunOkAsync(directory.Path, "db", "vacuum");
        Assert.Contains("bytes before", vacuum, StringComparison.Ordinal);
        Assert.Equal(stories, await CountStoriesAsync(database));
        Assert.Equal("ok", await ScalarAsync(database, "PRAGMA integrity_check"));
    }

    [Fact]
    public async Task Backup_ToAFolderThatDoesNotExist_FailsWithoutLeavingAFile()
    {
        using var directory = new TempDirectory();
        await WriteConfigurationAsync(directory.Path);
        await RunOkAsync(directory.Path, "poll", "--once");

        var (exitCode, _, _) = await FeedDigestProcess.RunAsync(directory.Path, "db", "backup", Path.Combine(directory.Path, "missing", "copy.db"));

        Assert.NotEqual(0, exitCode);
        Assert.False(Directory.Exists(Path.Combine(directory.Path, "missing")));
    }

    [Fact]
    public async Task Logs_AreJsonLines_WhenTheConsoleFormatterIsJson()
    {
        using var directory = new TempDirectory();
        await WriteConfigurationAsync(directory.Path);

        var (exitCode, stdout, stderr) = await FeedDigestProcess.RunAsync(directory.Path, null, new Dictionary<string, string> { ["Logging__Console__FormatterName"] = "json" }, "poll", "--once");

        Assert.True(exitCode == 0, stderr);
        var logLines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => l.StartsWith('{')).ToList();
        Assert.NotEmpty(logLines);
        var pollLine = logLines.Select(l => JsonDocument.Parse(l).RootElement).First(e => e.GetProperty("Category").GetString() == "FeedDigest.Core.Polling.FeedPoller");
        Assert.Equal("Information", pollLine.GetProperty("LogLevel").GetString());
        Assert.Equal("wire", pollLine.GetProperty("State").GetProperty("FeedId").GetString());
    }

    private static async Task WriteConfigurationAsync(string directory)
    {
        Directory.CreateDirectory(Path.Combine(directory, "feeds"));
        await File.WriteAllTextAsync(Path.Combine(directory, "feeds", "wire.xml"), FeedDocuments.Rss(("1", "One", "x"), ("2", "Two", "y"), ("3", "Three", "z")));
        await File.WriteAllTextAsync(Path.Combine(directory, "appsettings.json"), """
            { "FeedDigest": { "Stories": { "NewFeedWindow": "3650.00:00:00" }, "Feeds": [ { "Id": "wire", "Url": "feeds/wire.xml" } ] } }
            """);
    }

    private static async Task<string> RunOkAsync(string directory, params string[] arguments)
    {
        var (exitCode, stdout, stderr) = await FeedDigestProcess.RunAsync(directory, arguments);
        Assert.True(exitCode == 0, $"{string.Join(' ', arguments)}: {stderr}{stdout}");
        return stdout;
    }

    private static async Task<long> CountStoriesAsync(string database) => Convert.ToInt64(await ScalarAsync(database, "SELECT count(*) FROM stories"), System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<string> ScalarAsync(string database, string sql)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture)!;
    }
}
