using Orleans.Parallel.Checkpoints;
using Orleans.Parallel.Results;

namespace Orleans.Parallel.Views;

public sealed partial class DirectView
{
    /// <summary>
    /// Stores each engine's namespace as that engine id's checkpoint, in the cluster's durable grain
    /// storage (the silos' Redis or Azure Table store; Orleans' memory storage with localhost
    /// clustering), replacing its last one. Runs in each engine's queue like any task, so it sees
    /// what the tasks sent before it left. Each report names the variables that could not be stored
    /// (values of types a script declared, delegates, tasks, streams...).
    /// </summary>
    public AsyncMapResult<CheckpointReport> CheckpointAsync() => Values<CheckpointReport>(_ops.Checkpoint(TargetIds));

    /// <inheritdoc cref="CheckpointAsync"/>
    public AsyncMapResult<CheckpointReport> Checkpoint() => Blocking(CheckpointAsync());

    /// <inheritdoc cref="CheckpointAsync"/>
    public IReadOnlyList<CheckpointReport> CheckpointSync() => CheckpointAsync().Get();

    /// <summary>
    /// Sets on each engine the variables of its id's last checkpoint (or of <paramref name="fromEngineId"/>'s,
    /// on every engine of the view); variables it does not name stay. Use it on an engine made again
    /// with <see cref="ParallelClient.ReplaceEngineAsync"/> after its silo died. Each report names
    /// the variables that could not be restored, with the reason. An engine id without a checkpoint
    /// fails the task with a message saying so.
    /// </summary>
    public AsyncMapResult<RestoreReport> RestoreAsync(int? fromEngineId = null) => Values<RestoreReport>(_ops.Restore(TargetIds, fromEngineId));

    /// <inheritdoc cref="RestoreAsync"/>
    public AsyncMapResult<RestoreReport> Restore(int? fromEngineId = null) => Blocking(RestoreAsync(fromEngineId));

    /// <inheritdoc cref="RestoreAsync"/>
    public IReadOnlyList<RestoreReport> RestoreSync(int? fromEngineId = null) => RestoreAsync(fromEngineId).Get();
}
