namespace Orleans.Parallel.Errors;

/// <summary>The engine could not take or finish a task: it stopped, died or is unreachable.</summary>
public sealed class EngineException(int engineId, string message, Exception? inner = null)
    : Exception($"[engine {engineId}] {message}", inner)
{
    /// <summary>The engine concerned.</summary>
    public int EngineId { get; } = engineId;
}
