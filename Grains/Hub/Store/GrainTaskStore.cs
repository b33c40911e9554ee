using Orleans.Parallel.Hub;

namespace Orleans.Parallel.Grains.Hub.Store;

/// <summary>
/// The in-memory store as every silo sees it: calls to the one <see cref="TaskRecordsGrain"/> that
/// holds the records, wherever it lives.
/// </summary>
public sealed class GrainTaskStore(IGrainFactory grains) : ITaskStore
{
    private ITaskRecordsGrain Records => grains.GetGrain<ITaskRecordsGrain>(0);

    public Task SaveAsync(IReadOnlyList<TaskRecord> records, CancellationToken cancellationToken = default) =>
        Records.SaveAsync(new Orleans.Concurrency.Immutable<IReadOnlyList<TaskRecord>>(records));

    public Task<IReadOnlyList<TaskRecord>> GetAsync(IReadOnlyList<Guid> msgIds, CancellationToken cancellationToken = default) =>
        Records.GetAsync(msgIds);

    public Task<IReadOnlyList<TaskRecord>> QueryAsync(TaskQuery query, IReadOnlyCollection<TaskField>? keys = null, CancellationToken cancellationToken = default) =>
        Records.QueryAsync(query, keys);

    public Task<IReadOnlyList<Guid>> HistoryAsync(CancellationToken cancellationToken = default) => Records.HistoryAsync();

    public Task<int> PurgeAsync(IReadOnlyList<Guid>? msgIds, CancellationToken cancellationToken = default) => Records.PurgeAsync(msgIds);
}
