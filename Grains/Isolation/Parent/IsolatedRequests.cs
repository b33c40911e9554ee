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
    public static bool HasBulk(EngineRequest request) => RequestValues.Any(request, v => BulkRefs.In(v) is not null);

    /// <summary>The task with each bulk reference replaced by its array. Blocks while an array arrives.</summary>
    public static EngineTask WithArrays(EngineTask task, BulkValues bulk) =>
        task with { Request = RequestValues.Map(task.Request, v => Whole(v, bulk)) };

    private static object? Whole(object? value, BulkValues bulk) => value switch
    {
        MemoryValue { Data: BulkRef data } memory => memory with { Data = bulk.Receive(data)! },
        BulkRef or UserValue { Data: BulkRef } => bulk.Receive(value),
        _ => value,
    };
}
