namespace Orleans.Parallel.Errors;

/// <summary>The task was removed from its queue (an engine's, or the scheduler's) before it ran.</summary>
public sealed class TaskAbortedException(int engineId, Guid msgId)
    : Exception(engineId >= 0 ? $"[engine {engineId}] Task {msgId} was aborted before it ran." : $"Task {msgId} was aborted before an engine took it.")
{
    /// <summary>The engine whose queue held it; -1 when no engine had taken it yet.</summary>
    public int EngineId { get; } = engineId;

    /// <summary>The aborted task.</summary>
    public Guid MsgId { get; } = msgId;
}
