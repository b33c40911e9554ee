using Orleans.Parallel.Checkpoints;
using Orleans.Parallel.Results;

namespace Orleans.Parallel.Views;

public sealed partial class EngineView
{
    /// <inheritdoc cref="DirectView.CheckpointAsync"/>
    public AsyncResult<CheckpointReport> CheckpointAsync() => Single<CheckpointReport>(_ops.Checkpoint(_target));

    /// <inheritdoc cref="DirectView.CheckpointAsync"/>
    public AsyncResult<CheckpointReport> Checkpoint() => Blocking(CheckpointAsync());

    /// <inheritdoc cref="DirectView.CheckpointAsync"/>
    public CheckpointReport CheckpointSync() => CheckpointAsync().Get();

    /// <inheritdoc cref="DirectView.RestoreAsync"/>
    public AsyncResult<RestoreReport> RestoreAsync(int? fromEngineId = null) => Single<RestoreReport>(_ops.Restore(_target, fromEngineId));

    /// <inheritdoc cref="DirectView.RestoreAsync"/>
    public AsyncResult<RestoreReport> Restore(int? fromEngineId = null) => Blocking(RestoreAsync(fromEngineId));

    /// <inheritdoc cref="DirectView.RestoreAsync"/>
    public RestoreReport RestoreSync(int? fromEngineId = null) => RestoreAsync(fromEngineId).Get();
}
