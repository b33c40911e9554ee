using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Parallel.Engine;
using Orleans.Parallel.Grains.Hub.Store;
using Orleans.Parallel.Hub;
using Orleans.Parallel.Registry;
using Orleans.Parallel.Scheduling;
using Orleans.Runtime;

namespace Orleans.Parallel.Grains.Hub;

/// <summary>
/// The hub's front door: a stateless worker on every silo that answers from the task store, the
/// engine registry, the engines and the silos' queues. It holds nothing itself, so any of its
/// activations may serve any client.
/// </summary>
[StatelessWorker]
public sealed class HubGrain(IServiceProvider services, TaskRecorder recorder, IOptions<TaskStoreOptions> storeOptions) : Grain, IHubGrain
{
    private static readonly TimeSpan FlushWait = TimeSpan.FromSeconds(5);

    private ITaskStore Store => recorder.Enabled
        ? (ITaskStore)services.GetService(typeof(ITaskStore))!
        : throw new InvalidOperationException(
            "This cluster keeps no task records (its silos run with the task store 'none'); start them with '--task-store memory' or 'postgres'.");

    public async Task<IReadOnlyList<TaskRecord>> GetRecordsAsync(IReadOnlyList<Guid> msgIds)
    {
        var store = Store;
        var found = await store.GetAsync(msgIds);
        if (found.Count < msgIds.Distinct().Count() || found.Any(r => !r.IsDone || r.Submitted is null))
        {
            // A record, its end, or its submission (request and time: a load-balanced task's is written
            // by its queue's silo, its end by its engine's, in any order) may still sit in a silo's
            // recorder: have them all written, then look again.
            await FlushAllAsync();
            found = await store.GetAsync(msgIds);
        }
        var byId = found.ToDictionary(r => r.MsgId);
        var missing = msgIds.Where(id => !byId.ContainsKey(id)).Distinct().ToArray();
        if (missing.Length > 0) throw Unknown(missing);
        return msgIds.Select(id => byId[id]).ToArray();
    }

    public async Task<IReadOnlyList<TaskRecord>> QueryAsync(TaskQuery query, IReadOnlyCollection<TaskField>? keys)
    {
        var store = Store;
        var checkedQuery = query.Validate(); // it came from a client: values are checked before any store sees them
        await FlushAllAsync();
        return await store.QueryAsync(checkedQuery, keys);
    }

    public async Task<IReadOnlyList<Guid>> HistoryAsync()
    {
        var store = Store;
        await FlushAllAsync();
        return await store.HistoryAsync();
    }

    public async Task<int> PurgeAsync(IReadOnlyList<Guid>? msgIds)
    {
        var store = Store;
        await FlushAllAsync();
        if (msgIds is null) return await store.PurgeAsync(null);
        var records = await GetRecordsAsync(msgIds);
        var pending = records.Where(r => !r.IsDone).Select(r => r.MsgId).ToArray();
        if (pending.Length > 0)
            throw new InvalidOperationException(
                $"Cannot purge the records of pending tasks: {string.Join(", ", pending)}. Wait for them (or abort them) first.");
        return await store.PurgeAsync(msgIds);
    }

    public async Task RecordResubmittedAsync(IReadOnlyList<Guid> oldIds, IReadOnlyList<Guid> newIds)
    {
        if (oldIds.Count != newIds.Count) throw new ArgumentException("Each resubmitted task needs exactly one new msg id.", nameof(newIds));
        var links = new List<TaskRecord>(oldIds.Count * 2);
        for (var i = 0; i < oldIds.Count; i++)
        {
            links.Add(new TaskRecord { MsgId = oldIds[i], Resubmitted = newIds[i] });
            links.Add(new TaskRecord { MsgId = newIds[i], ResubmittedFrom = oldIds[i] });
        }
        await Store.SaveAsync(links);
    }

    public async Task<QueueStatus> QueueStatusAsync(IReadOnlyList<int>? engineIds, bool verbose)
    {
        var directory = await GrainFactory.GetGrain<IEngineRegistryGrain>(0).GetEnginesAsync();
        var live = directory.Engines.ToDictionary(e => e.EngineId);
        var asked = engineIds ?? live.Keys.Order().ToArray();
        var unknown = asked.Where(id => !live.ContainsKey(id)).ToArray();
        if (unknown.Length > 0)
            throw new ArgumentOutOfRangeException(nameof(engineIds), $"No engine has id {string.Join(", ", unknown)}; the live engines are [{string.Join(", ", live.Keys.Order())}].");
        var engines = Task.WhenAll(asked.Select(id => GrainFactory.GetGrain<IEngineGrain>(live[id].Incarnation).QueueStatusAsync()));
        var silos = await ActiveSilosAsync();
        var waiting = await Task.WhenAll(silos.Select(s => GrainFactory.GetGrain<ITaskQueueGrain>(s).WaitingAsync()));
        var unassigned = waiting.SelectMany(w => w).ToArray();
        var statuses = await engines;
        return verbose
            ? new QueueStatus(statuses, unassigned, unassigned.Length)
            : new QueueStatus(statuses.Select(s => s.WithoutIds()).ToArray(), [], unassigned.Length);
    }

    public async Task<ClusterStatus> ClusterStatusAsync()
    {
        var queues = QueueStatusAsync(null, verbose: false);
        var directory = await GrainFactory.GetGrain<IEngineRegistryGrain>(0).GetEnginesAsync();
        var hosts = await GrainFactory.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: true);
        var silos = hosts
            .Select(h => new ClusterSilo(
                h.SiloName,
                h.SiloAddress.ToParsableString(),
                h.HostName,
                h.StartTime,
                directory.Engines.Where(e => e.SiloAddress == h.SiloAddress.ToParsableString()).Select(e => e.EngineId).Order().ToArray()))
            .OrderBy(s => s.Name, StringComparer.Ordinal)
            .ToArray();
        return new ClusterStatus(silos, await queues, await TaskStoreStatusAsync());
    }

    /// <summary>The store's kind and counts: its history for the records, a query on status for the pending ones.</summary>
    private async Task<TaskStoreStatus> TaskStoreStatusAsync()
    {
        if (!recorder.Enabled) return new TaskStoreStatus(TaskStoreOptions.None, null, null);
        var store = Store;
        await FlushAllAsync();
        var records = await store.HistoryAsync();
        var pending = await store.QueryAsync(TaskQuery.Where(TaskField.Status, QueryOperator.Eq, Orleans.Parallel.Engine.TaskStatus.Pending), [TaskField.MsgId]);
        return new TaskStoreStatus(storeOptions.Value.Kind, records.Count, pending.Count);
    }

    /// <summary>Has every live silo write what its recorder gathered (a silo that does not answer in time is skipped).</summary>
    private async Task FlushAllAsync()
    {
        var silos = await ActiveSilosAsync();
        try
        {
            await Task.WhenAll(silos.Select(s => GrainFactory.GetGrain<IRecorderGrain>(s).FlushAsync())).WaitAsync(FlushWait);
        }
        catch (Exception)
        {
            // The store answers with what it has; a silo that cannot flush now will on its own timer.
        }
    }

    private async Task<string[]> ActiveSilosAsync()
    {
        var hosts = await GrainFactory.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        return hosts.Keys.Select(s => s.ToParsableString()).ToArray();
    }

    /// <summary>The memory store lives on one silo: its records go with that silo, which the message says when it applies.</summary>
    private KeyNotFoundException Unknown(IReadOnlyList<Guid> missing) =>
        new($"No task record has msg id {string.Join(", ", missing)}: {(missing.Count == 1 ? "it was" : "they were")} never submitted to this cluster, or purged" +
            (services.GetService(typeof(ITaskStore)) is GrainTaskStore
                ? ", culled by the memory store's limits, or lost with the silo that held the memory store (start silos with '--task-store postgres' for records that outlive any silo)."
                : "."));
}
