using System.Security.Cryptography;
using Orleans.Parallel.Code;

namespace Orleans.Parallel.Grains.Code;

/// <summary>Keeps one uploaded assembly's bytes in memory, checked against the key (its SHA-256).</summary>
[KeepAlive]
public sealed class AssemblyStoreGrain : Grain, IAssemblyStoreGrain
{
    private byte[]? _bytes;

    public Task<bool> ContainsAsync() => Task.FromResult(_bytes is not null);

    public Task UploadAsync(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var key = this.GetPrimaryKeyString();
        if (!string.Equals(hash, key, StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"Uploaded bytes hash to {hash}, not to this store's key {key}.", nameof(bytes));
        _bytes = bytes;
        return Task.CompletedTask;
    }

    public Task<byte[]?> GetAsync() => Task.FromResult(_bytes);
}
