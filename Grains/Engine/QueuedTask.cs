using Orleans.Parallel.Engine;
using Orleans.Parallel.Scheduling;

namespace Orleans.Parallel.Grains.Engine;

/// <summary>A task in an engine's queue and the two ways its reply can leave.</summary>
internal sealed class QueuedTask(EngineTask task, ITaskObserver observer)
{
    public EngineTask Task { get; } = task;

    /// <summary>Where the reply goes once the submission call has stopped waiting.</summary>
    public ITaskObserver Observer { get; } = observer;

    /// <summary>
    /// The submission call waiting to carry the reply; null once it gave up waiting. Completed with
    /// null, it returns without the reply, which then goes to <see cref="Observer"/>.
    /// </summary>
    public TaskCompletionSource<TaskReply?>? InlineReply { get; set; } = new();

    /// <summary>Aborted while held for ordering: it keeps its place in the sequence but never runs.</summary>
    public bool Aborted { get; set; }

    /// <summary>Ended by an interrupt while it ran: whatever its abandoned thread returns later is dropped.</summary>
    public bool Interrupted { get; set; }

    /// <summary>For a load-balanced task: the queue it came from, and what it asked of the engine.</summary>
    public BalancedOrigin? Balanced { get; init; }
}

/// <summary>Where a load-balanced task came from and what it asked for.</summary>
/// <param name="Queue">The task queue to report to.</param>
/// <param name="ReportFailure">A failure goes to the queue (to be retried elsewhere), not to the client.</param>
/// <param name="Require">What the engine must have to run it.</param>
internal sealed record BalancedOrigin(string Queue, bool ReportFailure, TaskRequirement? Require);
