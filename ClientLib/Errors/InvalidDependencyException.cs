namespace Orleans.Parallel.Errors;

/// <summary>A load-balanced task depends on a message id the client does not know, or on itself.</summary>
public sealed class InvalidDependencyException(Guid msgId, string message) : ImpossibleDependencyException(msgId, message);
