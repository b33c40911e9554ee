using Orleans.Parallel.Engine;

namespace Orleans.Parallel.Grains.Engine;

/// <summary>A task in an engine's queue and the two ways its reply can leave.</summary>
internal sealed class QueuedTask(EngineTask task, ITaskObserver observer)
{
    public EngineTask Task { get; } = task;

    /// <summary>Where the reply goes once the submission call has stopped waiting.</summary>
    public ITaskObserver Observer { get; } = observer;

    /// <summary>The submission call waiting to carry the reply; null once it gave up waiting.</summary>
    public TaskCompletionSource<TaskReply>? InlineReply { get; set; } = new();

    /// <summary>Aborted while held for ordering: it keeps its place in the sequence but never runs.</summary>
    public bool Aborted { get; set; }
}
