namespace Orleans.Parallel.Errors;

/// <summary>The engine could not take or finish a task: it stopped, died or is unreachable.</summary>
public sealed class EngineException(int engineId, string message, Exception? inner = null)
    : Exception(engineId >= 0 ? $"[engine {engineId}] {message}" : message, inner)
{
    /// <summary>The engine concerned; -1 when the task had not reached one.</summary>
    public int EngineId { get; } = engineId;
}
