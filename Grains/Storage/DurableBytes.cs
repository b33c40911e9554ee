using Orleans.Parallel.Storage;

namespace Orleans.Parallel.Grains.Storage;

/// <summary>
/// Large byte arrays in <see cref="DurableStorage"/>, cut into pieces of <see cref="ChunkSize"/>
/// bytes, each in its own grain (<see cref="IStoredChunkGrain"/>, keyed "<c>key#i</c>"): Azure Table
/// storage takes about 1 MB per grain, and an uploaded assembly or a checkpoint may be far larger.
/// </summary>
internal static class DurableBytes
{
    /// <summary>Well under Azure Table's limit once base64 and the entity's other columns are counted.</summary>
    public const int ChunkSize = 256 * 1024;

    /// <summary>Writes <paramref name="data"/> under <paramref name="key"/>; returns the number of pieces.</summary>
    public static async Task<int> WriteAsync(IGrainFactory grains, string key, byte[] data)
    {
        var count = (data.Length + ChunkSize - 1) / ChunkSize;
        await Task.WhenAll(Enumerable.Range(0, count).Select(i =>
            grains.GetGrain<IStoredChunkGrain>($"{key}#{i}").WriteAsync(data.AsSpan(i * ChunkSize, Math.Min(ChunkSize, data.Length - i * ChunkSize)).ToArray())));
        return count;
    }

    /// <summary>Reads the <paramref name="length"/> bytes written under <paramref name="key"/> in <paramref name="count"/> pieces.</summary>
    public static async Task<byte[]> ReadAsync(IGrainFactory grains, string key, int count, int length)
    {
        var pieces = await Task.WhenAll(Enumerable.Range(0, count).Select(i => grains.GetGrain<IStoredChunkGrain>($"{key}#{i}").ReadAsync()));
        var data = new byte[length];
        var offset = 0;
        for (var i = 0; i < count; i++)
        {
            var piece = pieces[i] ?? throw new InvalidDataException($"Piece {i} of {count} of '{key}' is missing from durable storage.");
            if (offset + piece.Length > length) throw new InvalidDataException($"The pieces of '{key}' hold more than the {length} bytes recorded.");
            piece.CopyTo(data, offset);
            offset += piece.Length;
        }
        if (offset != length) throw new InvalidDataException($"The pieces of '{key}' hold {offset} bytes, not the {length} recorded.");
        return data;
    }

    /// <summary>Removes the pieces written under <paramref name="key"/> (best effort: a leftover costs only space).</summary>
    public static Task ClearAsync(IGrainFactory grains, string key, int count) =>
        Task.WhenAll(Enumerable.Range(0, count).Select(i => grains.GetGrain<IStoredChunkGrain>($"{key}#{i}").ClearAsync()));
}
