using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Orleans.Parallel.Code;

namespace Orleans.Parallel.Grains.Code;

/// <summary>
/// Keeps one uploaded assembly's bytes, checked against the key (its SHA-256): in memory, and in
/// <see cref="DurableStorage"/>, so that code a client uploaded once outlives the silo this grain
/// lived on (a silo that stops or dies would otherwise take it, and engines elsewhere could not load
/// the client's next function). A store that cannot take the bytes is logged; they stay in memory.
/// </summary>
[KeepAlive]
public sealed partial class AssemblyStoreGrain(
    [PersistentState("assembly", DurableStorage.Name)] IPersistentState<StoredAssembly> stored,
    ILogger<AssemblyStoreGrain> logger) : Grain, IAssemblyStoreGrain
{
    private byte[]? Bytes => stored.State.Bytes;

    public Task<bool> ContainsAsync() => Task.FromResult(Bytes is not null);

    public async Task UploadAsync(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var key = this.GetPrimaryKeyString();
        if (!string.Equals(hash, key, StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"Uploaded bytes hash to {hash}, not to this store's key {key}.", nameof(bytes));
        if (Bytes is not null) return;
        stored.State.Bytes = bytes;
        try { await stored.WriteStateAsync(); }
        catch (Exception e) { LogWriteFailed(logger, e, key, bytes.Length); }
    }

    public Task<byte[]?> GetAsync() => Task.FromResult(Bytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Assembly {Hash} ({Length} bytes) could not be written to durable storage; it is kept in memory only")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, string hash, int length);
}

/// <summary>An uploaded assembly as <see cref="AssemblyStoreGrain"/> stores it.</summary>
[GenerateSerializer, Alias("op.StoredAssembly")]
public sealed class StoredAssembly
{
    [Id(0)] public byte[]? Bytes { get; set; }
}
