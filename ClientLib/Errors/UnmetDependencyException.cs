namespace Orleans.Parallel.Errors;

/// <summary>A load-balanced task's dependencies (<c>After</c>, <c>Follow</c>, <c>Require</c>) were not met, so it did not run.</summary>
public class UnmetDependencyException(Guid msgId, string message) : Exception(message)
{
    /// <summary>The task that did not run.</summary>
    public Guid MsgId { get; } = msgId;
}
