using System.Text;

namespace FeedDigest.Infrastructure.Configuration;

/// <summary>
/// Changes a configuration file safely: one writer at a time (a lock file, so two admins or an admin
/// and a script lose nothing), the edit applied to the file as it is now, validated before it is
/// written, and written to a temporary file that replaces the original in one rename, so the running
/// service never reads half a file.
/// </summary>
public static class ConfigFileWriter
{
    public sealed record Result(bool Applied, IReadOnlyList<string> Problems);

    public static async Task<Result> UpdateAsync(
        string path,
        Func<string, string> edit,
        Func<string, IReadOnlyList<string>> validate,
        CancellationToken cancellationToken)
    {
        await using var fileLock = await AcquireLockAsync(path + ".lock", cancellationToken).ConfigureAwait(false);
        var original = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        var edited = edit(original);
        if (edited == original)
        {
            return new Result(false, []);
        }

        var problems = validate(edited);
        if (problems.Count > 0)
        {
            return new Result(false, problems);
        }

        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            await File.WriteAllTextAsync(temporary, edited, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), cancellationToken).ConfigureAwait(false);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }

        return new Result(true, []);
    }

    private static async Task<FileStream> AcquireLockAsync(string lockPath, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (attempt < 100)
            {
                // Another edit holds the file: wait for it rather than overwrite its change.
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
