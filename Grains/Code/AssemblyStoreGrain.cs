using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Orleans.Parallel.Code;
using Orleans.Parallel.Grains.Storage;

namespace Orleans.Parallel.Grains.Code;

/// <summary>
/// Keeps one uploaded assembly's bytes, checked against the key (its SHA-256): in memory, and in
/// <see cref="DurableStorage"/> (in pieces, <see cref="DurableBytes"/>), so that code a client
/// uploaded once outlives the silo this grain lived on (a silo that stops or dies would otherwise
/// take it, and engines elsewhere could not load the client's next function, nor a checkpoint its
/// types). A store that cannot take the bytes is logged; they stay in memory.
/// </summary>
[KeepAlive]
public sealed partial class AssemblyStoreGrain(
    [PersistentState("assembly", DurableStorage.Name)] IPersistentState<StoredAssembly> stored,
    ILogger<AssemblyStoreGrain> logger) : Grain, IAssemblyStoreGrain
{
    private byte[]? _bytes;

    /// <summary>
    /// Whether the bytes can be served. Pieces in a store that lost some (memory storage on a silo
    /// that died) count as absent, so the client uploads the assembly again.
    /// </summary>
    public async Task<bool> ContainsAsync()
    {
        if (_bytes is not null) return true;
        if (stored.State.Chunks == 0) return false;
        try
        {
            await GetAsync();
            return true;
        }
        catch (InvalidDataException e)
        {
            LogPiecesLost(logger, e, this.GetPrimaryKeyString());
            stored.State.Chunks = 0;
            return false;
        }
    }

    public async Task UploadAsync(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var key = this.GetPrimaryKeyString();
        if (!string.Equals(hash, key, StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"Uploaded bytes hash to {hash}, not to this store's key {key}.", nameof(bytes));
        if (_bytes is not null || stored.State.Chunks > 0) return;
        _bytes = bytes;
        try
        {
            stored.State.Chunks = await DurableBytes.WriteAsync(GrainFactory, $"assembly/{key}", bytes);
            stored.State.Length = bytes.Length;
            await stored.WriteStateAsync();
        }
        catch (Exception e)
        {
            stored.State.Chunks = 0;
            LogWriteFailed(logger, e, key, bytes.Length);
        }
    }

    public async Task<byte[]?> GetAsync()
    {
        if (_bytes is null && stored.State.Chunks > 0)
            _bytes = await DurableBytes.ReadAsync(GrainFactory, $"assembly/{this.GetPrimaryKeyString()}", stored.State.Chunks, stored.State.Length);
        return _bytes;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Assembly {Hash} lost pieces in durable storage; its client is asked to upload it again")]
    private static partial void LogPiecesLost(ILogger logger, Exception exception, string hash);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Assembly {Hash} ({Length} bytes) could not be written to durable storage; it is kept in memory only")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, string hash, int length);
}

/// <summary>An uploaded assembly as <see cref="AssemblyStoreGrain"/> stores it: where its pieces are.</summary>
[GenerateSerializer, Alias("op.StoredAssembly")]
public sealed class StoredAssembly
{
    [Id(1)] public int Length { get; set; }

    [Id(2)] public int Chunks { get; set; }
}
