namespace Orleans.Parallel.Errors;

/// <summary>
/// A load-balanced task's dependencies can never be met: a task it needed to succeed failed (or the
/// reverse), the tasks it follows ran on different engines, or no engine it may use is left.
/// </summary>
public class ImpossibleDependencyException(Guid msgId, string message) : UnmetDependencyException(msgId, message);
