using Orleans.Parallel.Security;

namespace Orleans.Parallel.Code;

/// <summary>
/// One uploaded assembly, keyed by the hex SHA-256 of its bytes: clients upload once per cluster,
/// engines fetch the bytes when a function needs them.
/// </summary>
[Alias("op.IAssemblyStoreGrain")]
public interface IAssemblyStoreGrain : IGrainWithStringKey
{
    /// <summary>Whether the bytes are here.</summary>
    [Alias("Contains")]
    Task<bool> ContainsAsync();

    /// <summary>Stores the bytes; rejects bytes whose hash is not the key.</summary>
    [Alias("Upload")]
    Task UploadAsync(byte[] bytes);

    /// <summary>The bytes, or null when never uploaded.</summary>
    [SiloOnly]
    [Alias("Get")]
    Task<byte[]?> GetAsync();
}
