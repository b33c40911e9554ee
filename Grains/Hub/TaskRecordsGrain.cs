using Microsoft.Extensions.Options;
using Orleans.Parallel.Grains.Hub.Store;
using Orleans.Parallel.Hub;

namespace Orleans.Parallel.Grains.Hub;

/// <summary>
/// Holds the cluster's task records in memory (<see cref="MemoryTaskStore"/>, with its record and
/// size limits). Kept alive: idle collection would throw the records away. Calls take their turn,
/// so the store's lock is never contended; each is quick (a batch merge, a scan for a query).
/// </summary>
[KeepAlive]
public sealed class TaskRecordsGrain(IOptions<TaskStoreOptions> options) : Grain, ITaskRecordsGrain
{
    private readonly MemoryTaskStore _store = new(options.Value);

    public Task SaveAsync(Orleans.Concurrency.Immutable<IReadOnlyList<TaskRecord>> records) => _store.SaveAsync(records.Value);

    public Task<IReadOnlyList<TaskRecord>> GetAsync(IReadOnlyList<Guid> msgIds) => _store.GetAsync(msgIds);

    public Task<IReadOnlyList<TaskRecord>> QueryAsync(TaskQuery query, IReadOnlyCollection<TaskField>? keys) => _store.QueryAsync(query, keys);

    public Task<IReadOnlyList<Guid>> HistoryAsync() => _store.HistoryAsync();

    public Task<int> PurgeAsync(IReadOnlyList<Guid>? msgIds) => _store.PurgeAsync(msgIds);
}
