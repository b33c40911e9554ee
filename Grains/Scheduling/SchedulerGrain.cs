using Orleans.Concurrency;
using Orleans.Parallel.Scheduling;
using Orleans.Runtime;

namespace Orleans.Parallel.Grains.Scheduling;

/// <summary>
/// The scheduler's front door on each silo: hands a client's tasks to this silo's task queue, so a
/// client is served by the silo it is connected to. Holds nothing; any activation will do.
/// </summary>
[StatelessWorker]
public sealed class SchedulerGrain(ILocalSiloDetails silo) : Grain, ISchedulerGrain
{
    private readonly string _queue = silo.SiloAddress.ToParsableString();

    public async Task<QueueTicket> SubmitAsync(BalancedBatch batch)
    {
        var epoch = await GrainFactory.GetGrain<ITaskQueueGrain>(_queue).SubmitAsync(batch);
        return new QueueTicket(_queue, epoch);
    }
}
