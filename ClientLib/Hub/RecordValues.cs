using Orleans.Parallel.Connection;
using Orleans.Parallel.Engine;
using Orleans.Parallel.Hub;
using Orleans.Parallel.Results;

namespace Orleans.Parallel.Hub;

/// <summary>Turns task records read from the hub into what a client hands its caller: messages that end like its own, and values instead of their wire forms.</summary>
internal static class RecordValues
{
    /// <summary>A message standing for a recorded task (not sent by this client; nothing tracks it but its result).</summary>
    public static PendingMessage Message(TaskRecord record) =>
        new(record.MsgId, record.EngineId, record.Submitted ?? DateTime.UtcNow) { LoadBalanced = record.Balanced == true, Label = record.Label };

    /// <summary>Ends <paramref name="message"/> as its finished record says.</summary>
    public static void Finish(PendingMessage message, TaskRecord record)
    {
        if (record.Result is ResultNotKept notKept)
        {
            message.Fail(NotKept(record.MsgId, notKept));
            return;
        }
        TaskDispatcher.Finish(message, Reply(record));
    }

    /// <summary>The record with its result as a value (for queries); a result the store did not keep stays a <see cref="ResultNotKept"/>.</summary>
    public static TaskRecord Unpack(TaskRecord record)
    {
        if (record.Result is null or ResultNotKept || !record.IsDone) return record;
        var message = Message(record);
        TaskDispatcher.Finish(message, Reply(record));
        return message.Done is { } done && message.LocalError is null ? record with { Result = done.Result } : record;
    }

    private static TaskReply Reply(TaskRecord record) =>
        new(record.MsgId, record.EngineId, record.Status, record.Result, record.Error, record.Started,
            record.Completed ?? record.Received ?? DateTime.UtcNow, record.Stdout ?? "", record.Stderr ?? "", record.ExecuteResult);

    private static InvalidOperationException NotKept(Guid msgId, ResultNotKept notKept) =>
        new($"The result of task {msgId} ({notKept.TypeName}, {notKept.ByteLength:N0} bytes) was not kept in the task store " +
            (notKept.Limit > 0 ? $"(its limit per result is {notKept.Limit:N0} bytes)" : "(its client had already taken it)") +
            "; only the client that submitted the task received it. Raise the silos' MaxResultBytes to keep such results.");
}
