using Orleans.Parallel.Bulk;
using Orleans.Parallel.Engine;
using Orleans.Parallel.Grains.Bulk;
using Orleans.Parallel.Wire;

namespace Orleans.Parallel.Grains.Isolation.Parent;

/// <summary>
/// A request's bulk arrays, received by the silo's bulk listener, put in the request itself before
/// it goes to an engine's process (which has no bulk listener of its own).
/// </summary>
internal static class IsolatedRequests
{
    /// <summary>Whether any value of the request stands on a bulk transfer.</summary>
    public static bool HasBulk(EngineRequest request) => request switch
    {
        PushRequest r => r.Values.Values.Any(v => BulkRefs.In(v) is not null),
        ApplyRequest r => r.Args.Any(v => BulkRefs.In(v) is not null),
        MapRequest r => BulkRefs.In(r.Items) is not null || (r.More ?? []).Any(v => BulkRefs.In(v) is not null),
        _ => false,
    };

    /// <summary>The task with each bulk reference replaced by its array. Blocks while an array arrives.</summary>
    public static EngineTask WithArrays(EngineTask task, BulkValues bulk) => task with
    {
        Request = task.Request switch
        {
            PushRequest r => r with { Values = r.Values.ToDictionary(kv => kv.Key, kv => Whole(kv.Value, bulk)) },
            ApplyRequest r => r with { Args = [.. r.Args.Select(a => Whole(a, bulk))] },
            MapRequest r => r with { Items = Whole(r.Items, bulk)!, More = r.More?.Select(m => Whole(m, bulk)!).ToList() },
            var other => other,
        },
    };

    private static object? Whole(object? value, BulkValues bulk) => value switch
    {
        MemoryValue { Data: BulkRef data } memory => memory with { Data = bulk.Receive(data)! },
        BulkRef or UserValue { Data: BulkRef } => bulk.Receive(value),
        _ => value,
    };
}
