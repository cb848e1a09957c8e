using System.Buffers.Binary;

namespace FeedDigest.Infrastructure.Storage.Sqlite;

/// <summary>A story's band keys as cluster_members keeps them: 8 bytes each (int64, little-endian).</summary>
internal static class BandKeysBlob
{
    public static byte[] Encode(IReadOnlyList<long> keys)
    {
        var bytes = new byte[keys.Count * sizeof(long)];
        Encode(keys, bytes);
        return bytes;
    }

    /// <summary>Writes <paramref name="keys"/> into <paramref name="destination"/> and returns the bytes written.</summary>
    public static Span<byte> Encode(IReadOnlyList<long> keys, Span<byte> destination)
    {
        var bytes = destination[..(keys.Count * sizeof(long))];
        for (var i = 0; i < keys.Count; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes[(i * sizeof(long))..], keys[i]);
        }

        return bytes;
    }

    public static long[] Decode(byte[] bytes)
    {
        if (bytes.Length % sizeof(long) != 0)
        {
            throw new InvalidDataException($"A stored story's band keys are {bytes.Length} bytes, not a multiple of {sizeof(long)}.");
        }

        var keys = new long[bytes.Length / sizeof(long)];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(i * sizeof(long)));
        }

        return keys;
    }
}
