using Orleans.Parallel.Security;

namespace Orleans.Parallel.Hub;

/// <summary>
/// The task records of a cluster whose store is in memory: one grain holds them all (silos write
/// to it in batches, the hub reads from it). With PostgreSQL, silos use the database instead and
/// this grain is never activated.
/// </summary>
[Alias("op.ITaskRecordsGrain")]
[SiloOnly]
public interface ITaskRecordsGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Merges pieces of records into the store. The batch is passed as immutable: its sender never
    /// touches it again, and copying thousands of records a second within the silo was pure cost.
    /// </summary>
    [Alias("Save")]
    Task SaveAsync(Orleans.Concurrency.Immutable<IReadOnlyList<TaskRecord>> records);

    /// <summary>The stored records among <paramref name="msgIds"/>, in the order asked.</summary>
    [Alias("Get")]
    Task<IReadOnlyList<TaskRecord>> GetAsync(IReadOnlyList<Guid> msgIds);

    /// <summary>The records matching <paramref name="query"/>, in submission order, with only <paramref name="keys"/> filled in (all when null).</summary>
    [Alias("Query")]
    Task<IReadOnlyList<TaskRecord>> QueryAsync(TaskQuery query, IReadOnlyCollection<TaskField>? keys);

    /// <summary>Every stored msg id in submission order.</summary>
    [Alias("History")]
    Task<IReadOnlyList<Guid>> HistoryAsync();

    /// <summary>Removes finished records (these, or all when null); returns how many.</summary>
    [Alias("Purge")]
    Task<int> PurgeAsync(IReadOnlyList<Guid>? msgIds);
}
