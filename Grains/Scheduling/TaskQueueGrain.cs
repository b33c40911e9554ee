using Orleans.Concurrency;
using Orleans.Parallel.Engine;
using Orleans.Parallel.Grains.Scheduling.Placement;
using Orleans.Parallel.Scheduling;

namespace Orleans.Parallel.Grains.Scheduling;

/// <summary>
/// The cluster address of a silo's <see cref="SiloTaskQueue"/>, keyed by that silo's address and
/// placed on it. If the silo is gone, the grain is activated elsewhere as an empty stand-in: a new
/// epoch (so clients re-send what the lost queue held) and failures passed straight to their clients.
/// </summary>
[Reentrant, KeepAlive, SiloBoundPlacement]
public sealed class TaskQueueGrain(SiloTaskQueue local, Engine.ReplyOutbox replies) : Grain, ITaskQueueGrain
{
    private readonly Guid _standInEpoch = Guid.NewGuid();

    /// <summary>The silo's queue, or null when this activation stands in for a silo that is gone.</summary>
    private SiloTaskQueue? Queue => this.GetPrimaryKeyString() == local.Key ? local : null;

    public async Task<Guid> SubmitAsync(BalancedBatch batch)
    {
        var queue = Queue ?? throw new InvalidOperationException(
            $"The task queue of silo {this.GetPrimaryKeyString()} is gone with its silo; submit through the scheduler again.");
        await queue.SubmitAsync(batch);
        return queue.Epoch;
    }

    public Task<IReadOnlyList<BalancedAssignment>> ReportAsync(EngineReport report)
    {
        if (Queue is { } queue) return Task.FromResult(queue.Report(report));
        foreach (var failure in report.Failed) _ = replies.SendAsync(failure.Observer, failure.Reply);
        return Task.FromResult<IReadOnlyList<BalancedAssignment>>([]);
    }

    public Task<int> AbortAsync(IReadOnlyList<Guid> msgIds) => Task.FromResult(Queue?.Abort(msgIds) ?? 0);

    public Task<Guid> EpochAsync() => Task.FromResult(Queue?.Epoch ?? _standInEpoch);

    public Task<IReadOnlyList<Guid>> WaitingAsync() => Task.FromResult(Queue?.Waiting() ?? []);
}
