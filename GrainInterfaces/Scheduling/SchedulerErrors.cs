namespace Orleans.Parallel.Scheduling;

/// <summary>
/// The errors the scheduler itself ends tasks with, as the <see cref="Engine.RemoteError.ExceptionType"/>
/// of their reply. They name the client exceptions they become.
/// </summary>
public static class SchedulerErrors
{
    /// <summary>The task waited longer than its timeout.</summary>
    public const string Timeout = "Orleans.Parallel.Errors.TaskTimeoutException";

    /// <summary>No engine is left that can run the task.</summary>
    public const string Impossible = "Orleans.Parallel.Errors.ImpossibleDependencyException";

    /// <summary>The engine lacks what the task requires (the queue then tries another).</summary>
    public const string Unmet = "Orleans.Parallel.Errors.UnmetDependencyException";

    /// <summary>The engine that held the task left the cluster.</summary>
    public const string EngineGone = "Orleans.Parallel.Errors.EngineException";

    /// <summary>
    /// The engine stopped (its silo shutting down) before the task began: the queue gives it to
    /// another engine without counting a retry; a client that still gets it sees an EngineException.
    /// </summary>
    public const string NotStarted = "Orleans.Parallel.Errors.EngineException.NotStarted";
}
