namespace Orleans.Parallel.Errors;

/// <summary>
/// The task was aborted: removed from its queue (an engine's, or the scheduler's) before it ran, or,
/// when <see cref="WhileRunning"/>, cancelled through its <see cref="CancellationToken"/> while it ran.
/// </summary>
public sealed class TaskAbortedException(int engineId, Guid msgId, bool whileRunning = false)
    : Exception(Describe(engineId, msgId, whileRunning))
{
    /// <summary>The engine whose queue held it, or that ran it; -1 when no engine had taken it yet.</summary>
    public int EngineId { get; } = engineId;

    /// <summary>The aborted task.</summary>
    public Guid MsgId { get; } = msgId;

    /// <summary>Whether it had started: its code saw its cancellation token cancelled and stopped.</summary>
    public bool WhileRunning { get; } = whileRunning;

    private static string Describe(int engineId, Guid msgId, bool whileRunning) =>
        whileRunning ? $"[engine {engineId}] Task {msgId} was aborted while it ran: its code stopped when its cancellation token was cancelled."
        : engineId >= 0 ? $"[engine {engineId}] Task {msgId} was aborted before it ran."
        : $"Task {msgId} was aborted before an engine took it.";
}
