using Orleans.Parallel.Bulk;
using Orleans.Parallel.Hub;
using Orleans.Parallel.Wire;

namespace Orleans.Parallel.Grains.Hub;

/// <summary>
/// Turns a result as it leaves the silo into the form a record keeps. Most results travel inside
/// the message and are kept as they are. A large array travels beside it (a <see cref="BulkRef"/>
/// to the silo's outbox, fetched once by the submitting client), so the record takes a copy of the
/// array instead, up to a size limit; past it, the record says what it did not keep.
/// </summary>
internal static class KeptResult
{
    public static object? Of(object? result, Func<Guid, Array?> offered, long limit)
    {
        if (!HoldsBulk(result)) return result;
        var size = BulkBytes(result);
        if (size > limit) return new ResultNotKept(TypeNameOf(result), size, limit); // measured first: a 1 GiB result is never copied
        long bytes = 0;
        return Copy(result, offered, ref bytes);
    }

    private static long BulkBytes(object? value) => value is object?[] several && several.GetType() == typeof(object[])
        ? several.Sum(BulkBytes)
        : BulkRefs.In(value)?.ByteLength ?? 0;

    private static bool HoldsBulk(object? value) => value is object?[] several && several.GetType() == typeof(object[])
        ? Array.Exists(several, HoldsBulk)
        : BulkRefs.In(value) is not null;

    private static object? Copy(object? value, Func<Guid, Array?> offered, ref long bytes)
    {
        switch (value)
        {
            case BulkRef bulk:
                bytes += bulk.ByteLength;
                return Offered(bulk, offered) is { } array ? PackedArray.PackRange(array, 0, array.Length) : Missing(bulk);
            case UserValue { Data: BulkRef bulk } user:
                bytes += bulk.ByteLength;
                return Offered(bulk, offered) is byte[] text ? user with { Data = text.Clone() } : Missing(bulk);
            case MemoryValue { Data: BulkRef bulk } memory:
                bytes += bulk.ByteLength;
                return Offered(bulk, offered) is { } data ? memory with { Data = PackedArray.PackRange(data, 0, data.Length) } : Missing(bulk);
            case object?[] several when several.GetType() == typeof(object[]):
                var copies = new object?[several.Length];
                for (var i = 0; i < several.Length; i++) copies[i] = Copy(several[i], offered, ref bytes);
                return copies;
            default:
                return value;
        }
    }

    private static Array? Offered(BulkRef bulk, Func<Guid, Array?> offered) => offered(bulk.Token);

    /// <summary>The outbox no longer has it (the client fetched it first): recorded as not kept.</summary>
    private static ResultNotKept Missing(BulkRef bulk) => new(bulk.ElementType + "[]", bulk.ByteLength, 0);

    private static string TypeNameOf(object? value) => value switch
    {
        BulkRef bulk => bulk.ElementType + "[]",
        UserValue user => user.TypeName,
        MemoryValue { Data: BulkRef bulk } => $"Memory<{bulk.ElementType}>",
        object?[] => "System.Object[]",
        _ => value?.GetType().FullName ?? "null",
    };
}
