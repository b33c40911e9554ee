namespace Orleans.Parallel.Results;

/// <summary>
/// How an abort went (<see cref="AsyncResult.AbortAsync"/>): the tasks that ended (aborted, or
/// finished meanwhile) and those still running because they ignored their cancellation token.
/// </summary>
public sealed record AbortOutcome(IReadOnlyList<Guid> Ended, IReadOnlyList<Guid> StillRunning)
{
    /// <summary>Whether every task has ended.</summary>
    public bool AllEnded => StillRunning.Count == 0;
}
