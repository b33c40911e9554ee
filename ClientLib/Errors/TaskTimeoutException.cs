namespace Orleans.Parallel.Errors;

/// <summary>A load-balanced task waited longer than its <c>Timeout</c> (for its dependencies or for an engine) and never ran.</summary>
public sealed class TaskTimeoutException(Guid msgId, string message) : TimeoutException(message)
{
    /// <summary>The task that timed out.</summary>
    public Guid MsgId { get; } = msgId;
}
