using Orleans.Concurrency;
using Orleans.Parallel.Grains.Scheduling.Placement;
using Orleans.Parallel.Security;

namespace Orleans.Parallel.Grains.Hub;

/// <summary>One silo's <see cref="TaskRecorder"/> as the hub reaches it, keyed by the silo's address.</summary>
[Alias("op.IRecorderGrain")]
[SiloOnly]
public interface IRecorderGrain : IGrainWithStringKey
{
    /// <summary>Writes what the silo's recorder has gathered to the store now.</summary>
    [Alias("Flush")]
    Task FlushAsync();
}

/// <summary>
/// Lets the hub read its own writes: before it answers from the store, it has every silo flush what
/// its recorder gathered, so a task a client just submitted is in the history it asks for.
/// Placed on the silo its key names; elsewhere (that silo is gone) it has nothing to flush.
/// </summary>
[StatelessWorker, SiloBoundPlacement]
public sealed class RecorderGrain(TaskRecorder recorder, Scheduling.SiloTaskQueue local) : Grain, IRecorderGrain
{
    public Task FlushAsync() => this.GetPrimaryKeyString() == local.Key ? recorder.FlushAsync() : Task.CompletedTask;
}
