using System.Buffers.Binary;
using FeedDigest.Core.Stories.Clustering;

namespace FeedDigest.Infrastructure.Storage.Sqlite;

/// <summary>A cluster centroid as stored: 12 bytes a term (the term's int64 hash, its float32 weight), little-endian.</summary>
internal static class CentroidBlob
{
    private const int EntrySize = 12;

    public static byte[] Encode(ClusterCentroid centroid)
    {
        var bytes = new byte[SizeOf(centroid)];
        Encode(centroid, bytes);
        return bytes;
    }

    public static int SizeOf(ClusterCentroid centroid) => centroid.Terms.Count * EntrySize;

    /// <summary>Writes <paramref name="centroid"/> into <paramref name="destination"/> (at least <see cref="SizeOf"/> bytes) and returns the bytes written.</summary>
    public static Span<byte> Encode(ClusterCentroid centroid, Span<byte> destination)
    {
        var terms = centroid.Terms;
        var bytes = destination[..(terms.Count * EntrySize)];
        for (var i = 0; i < terms.Count; i++)
        {
            var entry = bytes.Slice(i * EntrySize, EntrySize);
            BinaryPrimitives.WriteInt64LittleEndian(entry, terms[i].Term);
            BinaryPrimitives.WriteSingleLittleEndian(entry[8..], terms[i].Weight);
        }

        return bytes;
    }

    public static ClusterCentroid Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length % EntrySize != 0)
        {
            throw new InvalidDataException($"A stored cluster centroid is {bytes.Length} bytes, not a multiple of {EntrySize}.");
        }

        var terms = new CentroidTerm[bytes.Length / EntrySize];
        for (var i = 0; i < terms.Length; i++)
        {
            var entry = bytes.Slice(i * EntrySize, EntrySize);
            terms[i] = new CentroidTerm(BinaryPrimitives.ReadInt64LittleEndian(entry), BinaryPrimitives.ReadSingleLittleEndian(entry[8..]));
        }

        return new ClusterCentroid(terms);
    }
}
