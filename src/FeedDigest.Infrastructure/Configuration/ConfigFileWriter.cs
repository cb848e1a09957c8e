using System.Runtime.InteropServices;
using System.Text;

namespace FeedDigest.Infrastructure.Configuration;

/// <summary>
/// Changes a configuration file safely: one writer at a time (a lock file, so two admins or an admin
/// and a script lose nothing), the edit applied to the file as it is now, validated before it is
/// written, and written to a temporary file that replaces the original in one rename, so the running
/// service never reads half a file. The new file keeps the original's mode, owner and group: the
/// service may run as another user than the admin who edits, and must still be able to read it.
/// </summary>
public static partial class ConfigFileWriter
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

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
            await WriteReplacementAsync(path, temporary, edited, cancellationToken).ConfigureAwait(false);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }

        return new Result(true, []);
    }

    private static async Task WriteReplacementAsync(string original, string temporary, string text, CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows())
        {
            // The new file inherits the folder's ACLs, as the original did.
            await File.WriteAllTextAsync(temporary, text, Utf8, cancellationToken).ConfigureAwait(false);
            return;
        }

        // Created no more open than the original (the umask can only narrow it), so the secrets in
        // it are never readable by more users, not even until the mode is set exactly below.
        var mode = File.GetUnixFileMode(original);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = mode };
        await using (var stream = new FileStream(temporary, options))
        {
            await stream.WriteAsync(Utf8.GetBytes(text), cancellationToken).ConfigureAwait(false);
        }

        if (OperatingSystem.IsLinux())
        {
            CopyOwner(original, temporary);
        }

        // Exactly, now that the umask has narrowed it, and after the chown, which clears set-ID bits.
        File.SetUnixFileMode(temporary, mode);
    }

    /// <summary>
    /// Gives the new file the original's owner and group, as far as this user may: root can give
    /// both; anyone else keeps at least the group when they belong to it, and otherwise the file is
    /// theirs, as an edit in an editor would leave it.
    /// </summary>
    private static void CopyOwner(string original, string copy)
    {
        if (StatX(AtCurrentDirectory, original, 0, StatXUserAndGroup, out var status) != 0)
        {
            return;
        }

        if (ChangeOwner(copy, status.UserId, status.GroupId) != 0)
        {
            ChangeOwner(copy, Unchanged, status.GroupId);
        }
    }

    private const int AtCurrentDirectory = -100;
    private const uint StatXUserAndGroup = 0x8 | 0x10;
    private const uint Unchanged = uint.MaxValue;

    /// <summary>The start of Linux's struct statx, whose layout is the same on every architecture (unlike struct stat's).</summary>
    [StructLayout(LayoutKind.Sequential, Size = 256)]
    private struct StatXBuffer
    {
        public uint Mask;
        public uint BlockSize;
        public ulong Attributes;
        public uint LinkCount;
        public uint UserId;
        public uint GroupId;
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatX(int directory, string path, int flags, uint mask, out StatXBuffer status);

    [LibraryImport("libc", EntryPoint = "chown", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int ChangeOwner(string path, uint owner, uint group);

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
