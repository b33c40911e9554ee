using Orleans.Parallel.Bulk;
using Orleans.Parallel.Wire;

namespace Orleans.Parallel.Connection;

/// <summary>
/// A run of a primitive array to send without copying it first (a scatter or map block).
/// </summary>
internal sealed record ArraySlice(Array Array, int Offset, int Length);

/// <summary>
/// Packs one request's values for one engine. A primitive array of at least
/// <see cref="BulkProtocol.Threshold"/> bytes goes on the bulk path straight from the caller's
/// memory and the message carries a <see cref="BulkRef"/>; a smaller one is packed into the message
/// in one copy; anything else is left to Orleans.
/// </summary>
internal sealed class OutgoingValues(BulkClient bulk, BulkEndpoint? endpoint)
{
    private List<(Guid Token, ArraySlice Slice)>? _bulk;

    /// <summary>The wire form of <paramref name="value"/> (an <see cref="ArraySlice"/>, or any value).</summary>
    public object? Pack(object? value)
    {
        switch (value)
        {
            case ArraySlice slice:
                return PackSlice(slice);
            case Array array when PackedArray.IsPackable(array.GetType()):
                return PackSlice(new ArraySlice(array, 0, array.Length));
            case not null when MemoryValue.IsPrimitiveMemory(value.GetType()):
                var (memoryArray, offset, length) = MemoryValue.Segment(value);
                return new MemoryValue(PackSlice(new ArraySlice(memoryArray, offset, length)),
                    value.GetType().GetGenericTypeDefinition() == typeof(ReadOnlyMemory<>));
            default:
                if (!IsImmutable(value)) HoldsReferences = true;
                return value;
        }
    }

    /// <summary>
    /// Whether the message refers to the caller's mutable objects, which Orleans reads when it
    /// serializes the message (so they are read until the message is delivered). Packed arrays are
    /// copies and bulk arrays are sent before the message, so neither counts.
    /// </summary>
    public bool HoldsReferences { get; private set; }

    /// <summary>Records that the message refers to caller objects that <see cref="Pack(object?)"/> did not see (a closure's captures).</summary>
    public void MarkReferences() => HoldsReferences = true;

    private static bool IsImmutable(object? value) =>
        value is null or string or decimal or DateTime or DateTimeOffset or TimeSpan or Guid or System.Numerics.BigInteger
        || value.GetType().IsPrimitive || value.GetType().IsEnum;

    private object PackSlice(ArraySlice slice)
    {
        long size = BulkProtocol.ElementSize(slice.Array);
        var bytes = slice.Length * size;
        if (endpoint is null || bytes < BulkProtocol.Threshold) return PackedArray.PackRange(slice.Array, slice.Offset, slice.Length);
        var token = Guid.NewGuid();
        (_bulk ??= []).Add((token, slice));
        return new BulkRef(token, slice.Array.GetType().GetElementType()!.FullName!, bytes, null);
    }

    /// <summary>Whether any value takes the bulk path.</summary>
    public bool HasBulk => _bulk is not null;

    /// <summary>Starts sending the bulk values; the task completes when their memory is no longer read.</summary>
    public Task StartSending()
    {
        if (_bulk is null) return Task.CompletedTask;
        return Task.WhenAll(_bulk.Select(b =>
        {
            long size = BulkProtocol.ElementSize(b.Slice.Array);
            return bulk.SendAsync(endpoint!, b.Token, b.Slice.Array, b.Slice.Offset * size, b.Slice.Length * size);
        }));
    }
}
