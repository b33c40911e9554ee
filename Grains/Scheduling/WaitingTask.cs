using Orleans.Parallel.Engine;
using Orleans.Parallel.Scheduling;

namespace Orleans.Parallel.Grains.Scheduling;

/// <summary>A load-balanced task in a queue, with what the queue learned about it on the way.</summary>
internal sealed class WaitingTask(BalancedTask task, Guid session, ITaskObserver observer, DateTime? deadline)
{
    public BalancedTask Task { get; } = task;
    public Guid MsgId => Task.MsgId;
    public Guid Session { get; } = session;
    public ITaskObserver Observer { get; } = observer;

    /// <summary>When it stops waiting for an engine (UTC); null for never.</summary>
    public DateTime? Deadline { get; } = deadline;

    private readonly HashSet<int>? _targets = task.Placement.Targets?.ToHashSet();
    // Made when there is an engine to exclude: nearly every task has none, and one set per task was
    // among what the silo allocated most at load-balanced rates.
    private HashSet<int>? _excluded = task.Placement.Excluded.Count > 0 ? [.. task.Placement.Excluded] : null;

    /// <summary>Failures it may still be re-run after.</summary>
    public int RetriesLeft { get; private set; } = task.Placement.Retries;

    /// <summary>The failure it last came back with, and whether that was an unmet requirement rather than an error.</summary>
    public TaskReply? LastFailure { get; private set; }
    public bool LastUnmet { get; private set; }

    /// <summary>The engine ids it names, if it is restricted to some.</summary>
    public IReadOnlyCollection<int>? Targets => _targets;

    public bool Allows(int engine) => (_targets is null || _targets.Contains(engine)) && !(_excluded?.Contains(engine) ?? false);

    /// <summary>It failed (or was found unfit) on <paramref name="engine"/>: never again there.</summary>
    public void FailedOn(int engine, TaskReply failure, bool unmet, bool countsAsRetry)
    {
        (_excluded ??= []).Add(engine);
        LastFailure = failure;
        LastUnmet = unmet;
        if (countsAsRetry) RetriesLeft--;
    }

    /// <summary>Its engine left the cluster while holding it.</summary>
    public void LostOn(int engine)
    {
        (_excluded ??= []).Add(engine);
        RetriesLeft--;
    }

    /// <summary>Whether a failure should come back to the queue rather than go to the client.</summary>
    public bool ReportsFailure => RetriesLeft > 0;
}
