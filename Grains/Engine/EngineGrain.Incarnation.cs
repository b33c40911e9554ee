using Orleans.Parallel.Engine;
using Orleans.Parallel.Grains.Execution;
using Orleans.Parallel.Registry;
using TaskStatus = Orleans.Parallel.Engine.TaskStatus;

namespace Orleans.Parallel.Grains.Engine;

/// <summary>
/// An engine's incarnations: ended the hard way (interrupt, shutdown) and replaced under the same
/// id. .NET cannot stop a thread that ignores its cancellation token, so a hard end abandons the
/// running task (its thread finishes it when the user's code returns, and what it returns is
/// dropped; <see cref="EngineThreads"/> starts another thread meanwhile) and the id passes to a new
/// grain with an empty namespace.
/// </summary>
public sealed partial class EngineGrain
{
    public async Task<int> ReplaceAsync(int engineId, Guid? replacing)
    {
        if (_engineId >= 0) throw new InvalidOperationException($"Incarnation {this.GetPrimaryKey()} already is engine {_engineId}.");
        OutputCapture.Install();
        await StartProcessAsync();
        var entry = new EngineEntry(engineId, this.GetPrimaryKey(), silo.Name, bulk.Endpoint, silo.SiloAddress.ToParsableString());
        await GrainFactory.GetGrain<IEngineRegistryGrain>(0).ReplaceAsync(entry, replacing); // refuses a live id, an unknown one
        _engineId = engineId;
        local.Started(entry, this);
        LogStarted(logger, _engineId, silo.Name);
        return engineId;
    }

    public async Task<int> InterruptAsync()
    {
        ThrowIfNotRunning();
        EndHard(msgId => _child is null
            ? $"Engine {_engineId} was interrupted while it ran task {msgId}; the task's thread was abandoned and the engine's namespace is gone."
            : $"Engine {_engineId} was interrupted while it ran task {msgId}: its process was killed, and the engine restarted with an empty namespace.");
        // The new incarnation is placed here (the engine grain prefers the calling silo).
        var id = await GrainFactory.GetGrain<IEngineGrain>(Guid.NewGuid()).ReplaceAsync(_engineId, this.GetPrimaryKey());
        DeactivateOnIdle();
        return id;
    }

    public async Task ShutdownAsync()
    {
        ThrowIfNotRunning();
        EndHard(msgId => _child is null
            ? $"Engine {_engineId} was shut down while it ran task {msgId}; the task's thread was abandoned and the engine's namespace is gone."
            : $"Engine {_engineId} was shut down while it ran task {msgId}: its process was killed.");
        local.Stopped(_engineId, this.GetPrimaryKey());
        await GrainFactory.GetGrain<IEngineRegistryGrain>(0).UnregisterAsync([_engineId]);
        DeactivateOnIdle();
    }

    /// <summary>
    /// Stops taking work, fails the running task with the engine's error (<paramref name="why"/> of its
    /// msg id) and aborts the queued ones. An isolated engine's process is killed.
    /// </summary>
    private void EndHard(Func<Guid, string> why)
    {
        (Guid MsgId, CancellationTokenSource? Cancel, QueuedTask? Task) running;
        lock (_gate)
        {
            _stopped = true;
            running = _current;
        }
        AbortWaiting(_ => true);
        _child?.Kill("its engine was interrupted or shut down", byParent: true); // no thread is left running: the process goes
        if (running.Task is not { } task) return;
        try { running.Cancel?.Cancel(); } // a task that heeds its token stops using the CPU at least
        catch (ObjectDisposedException) { /* it ended meanwhile */ }
        Complete(task, new TaskReply(task.Task.MsgId, _engineId, TaskStatus.Error, null,
            new RemoteError(Orleans.Parallel.Scheduling.SchedulerErrors.EngineGone, why(task.Task.MsgId), "", []),
            null, DateTime.UtcNow, "", "", null));
        task.Interrupted = true;
    }
}
