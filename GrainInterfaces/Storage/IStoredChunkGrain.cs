using Orleans.Parallel.Security;

namespace Orleans.Parallel.Storage;

/// <summary>
/// One piece of a large byte array kept in the cluster's durable grain storage. Stores such as Azure
/// Table storage take about 1 MB per grain; uploaded assemblies and checkpoints are cut into pieces
/// well under that (see <c>DurableBytes</c> in the grains).
/// </summary>
[Alias("op.IStoredChunkGrain")]
[SiloOnly]
public interface IStoredChunkGrain : IGrainWithStringKey
{
    /// <summary>Stores the piece, replacing what was there.</summary>
    [Alias("Write")]
    Task WriteAsync(byte[] data);

    /// <summary>The piece, or null when never written (or cleared).</summary>
    [Alias("Read")]
    Task<byte[]?> ReadAsync();

    /// <summary>Forgets the piece.</summary>
    [Alias("Clear")]
    Task ClearAsync();
}
