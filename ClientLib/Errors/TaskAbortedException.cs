namespace Orleans.Parallel.Errors;

/// <summary>The task was removed from its engine's queue before it ran.</summary>
public sealed class TaskAbortedException(int engineId, Guid msgId)
    : Exception($"[engine {engineId}] Task {msgId} was aborted before it ran.")
{
    /// <summary>The engine whose queue held it.</summary>
    public int EngineId { get; } = engineId;

    /// <summary>The aborted task.</summary>
    public Guid MsgId { get; } = msgId;
}
