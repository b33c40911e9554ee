using Orleans.Parallel.Engine;
using Orleans.Parallel.Errors;

namespace Orleans.Parallel;

/// <summary>Ending engines the hard way and bringing engine ids back (beyond ipyparallel's <c>shutdown</c>).</summary>
public sealed partial class ParallelClient
{
    /// <summary>
    /// Ends engine <paramref name="engineId"/>'s running task the hard way, for a task that ignores
    /// its cancellation token: the task fails with <see cref="EngineException"/>, its queued tasks
    /// end aborted, and a new incarnation with an empty namespace takes the id on the same silo.
    /// .NET cannot stop a thread, so the old task's thread runs on until its code returns (its
    /// result is dropped).
    /// </summary>
    /// <exception cref="EngineException">The engine has left the cluster.</exception>
    /// <exception cref="ArgumentOutOfRangeException">No engine ever had this id.</exception>
    public async Task InterruptAsync(int engineId, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        await Engine(engineId).InterruptAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        await _directory.RefreshAsync().WaitAsync(cancellationToken).ConfigureAwait(false); // later calls go to the new incarnation
    }

    /// <summary>
    /// Ends engine <paramref name="engineId"/> like <see cref="InterruptAsync"/>, but it leaves the
    /// cluster (and <see cref="Ids"/>) instead of restarting; <see cref="ReplaceEngineAsync"/> brings the id back.
    /// </summary>
    public async Task ShutdownAsync(int engineId, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        await Engine(engineId).ShutdownAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        await _directory.RefreshAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Brings back an engine that left the cluster (shut down, or its silo died) under its old id, with
    /// an empty namespace, on a silo the cluster picks. A dead engine is never re-created by itself:
    /// until this is called, calls to its id fail with <see cref="EngineException"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The engine is live (interrupt it to restart it).</exception>
    /// <exception cref="ArgumentOutOfRangeException">No engine ever had this id.</exception>
    public async Task ReplaceEngineAsync(int engineId, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        if (_directory.TryGet(engineId, out _))
            throw new InvalidOperationException($"Engine {engineId} is live; interrupt it (InterruptAsync) to restart it with an empty namespace.");
        if (!_directory.HasLeft(engineId))
            throw new ArgumentOutOfRangeException(nameof(engineId), engineId, $"No engine with id {engineId} has left the cluster; the live engines are [{string.Join(", ", Ids)}].");
        await Grains.GetGrain<IEngineGrain>(Guid.NewGuid()).ReplaceAsync(engineId, null).WaitAsync(cancellationToken).ConfigureAwait(false);
        await _directory.RefreshAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
    }
}
