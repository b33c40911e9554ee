using Orleans.Parallel.Bulk;
using Orleans.Parallel.Engine;
using Orleans.Parallel.Hub;
using Orleans.Parallel.Results;
using Orleans.Parallel.Views;
using Orleans.Parallel.Wire;

namespace Orleans.Parallel.Hub;

/// <summary>
/// Runs a recorded task again (ipyparallel's <c>resubmit</c>): the same request and label under a
/// new msg id, load-balanced again with its placement, or to the same engine if it was sent to one.
/// </summary>
internal static class Resubmission
{
    /// <summary>Throws if the task cannot be run again, before any task is sent.</summary>
    public static void Check(TaskRecord record, ParallelClient client)
    {
        if (!record.IsDone)
            throw new InvalidOperationException($"Task {record.MsgId} is still pending; only a finished task can be resubmitted. Wait for it first.");
        if (record.Request is null or SkipRequest)
            throw new InvalidOperationException($"The record of task {record.MsgId} holds no request to run again (only its end reached the store).");
        if (HoldsBulk(record.Request))
            throw new InvalidOperationException(
                $"Task {record.MsgId} sent its large arrays beside the message, once, and the store kept no copy; it cannot be resubmitted. Submit it again from your own data.");
        if (record.Placement is null && !client.Ids.Contains(record.EngineId))
            throw new InvalidOperationException(
                $"Task {record.MsgId} was sent to engine {record.EngineId}, which is gone (live engines: [{string.Join(", ", client.Ids)}]); it cannot be resubmitted there.");
    }

    /// <summary>Sends the task again under a new msg id.</summary>
    public static PendingMessage Send(TaskRecord record, ParallelClient client)
    {
        var request = record.Request!;
        if (record.Placement is { } placement)
            return new BalancedOperations(client).Resend(request, placement with { Excluded = [] }, record.Label);
        return new ViewOperations(client) { Label = record.Label }.Send([record.EngineId], _ => request)[0];
    }

    private static bool HoldsBulk(EngineRequest request) => request switch
    {
        ApplyRequest apply => apply.Args.Any(HoldsBulk),
        MapRequest map => HoldsBulk(map.Items) || (map.More?.Any(HoldsBulk) ?? false),
        PushRequest push => push.Values.Values.Any(HoldsBulk),
        _ => false,
    };

    private static bool HoldsBulk(object? value) => value is object?[] several ? several.Any(HoldsBulk) : BulkRefs.In(value) is not null;
}
