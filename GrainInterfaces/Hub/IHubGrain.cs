namespace Orleans.Parallel.Hub;

/// <summary>
/// The hub's front door (ipyparallel's controller, for what clients ask of it): task records,
/// history, purges and queue status. A stateless worker on every silo; what it answers from lives
/// in the task store and in the engines and queues themselves.
/// </summary>
[Alias("op.IHubGrain")]
public interface IHubGrain : IGrainWithIntegerKey
{
    /// <summary>The records of <paramref name="msgIds"/>, in the order asked.</summary>
    /// <exception cref="KeyNotFoundException">Some ids have no record (never submitted, or purged); the message names them.</exception>
    [Alias("Records")]
    Task<IReadOnlyList<TaskRecord>> GetRecordsAsync(IReadOnlyList<Guid> msgIds);

    /// <summary>The records matching <paramref name="query"/>, in submission order, with only <paramref name="keys"/> filled in (all when null).</summary>
    /// <exception cref="ArgumentException">The query names an unknown field or operator, or a value of the wrong type.</exception>
    [Alias("Query")]
    Task<IReadOnlyList<TaskRecord>> QueryAsync(TaskQuery query, IReadOnlyCollection<TaskField>? keys);

    /// <summary>Every recorded msg id, in submission order.</summary>
    [Alias("History")]
    Task<IReadOnlyList<Guid>> HistoryAsync();

    /// <summary>Removes the records of <paramref name="msgIds"/>, or of every finished task when null; returns how many.</summary>
    /// <exception cref="KeyNotFoundException">Some ids have no record.</exception>
    /// <exception cref="InvalidOperationException">Some of the tasks are still pending; the message names them.</exception>
    [Alias("Purge")]
    Task<int> PurgeAsync(IReadOnlyList<Guid>? msgIds);

    /// <summary>Records that each new task re-runs its old one (both records point at each other).</summary>
    [Alias("Resubmitted")]
    Task RecordResubmittedAsync(IReadOnlyList<Guid> oldIds, IReadOnlyList<Guid> newIds);

    /// <summary>The queues of <paramref name="engineIds"/> (all when null) and the tasks no engine has taken yet.</summary>
    /// <param name="engineIds">The engines to report; null for all.</param>
    /// <param name="verbose">With msg ids (queued, running, unassigned); without, counts only.</param>
    [Alias("QueueStatus")]
    Task<QueueStatus> QueueStatusAsync(IReadOnlyList<int>? engineIds, bool verbose);

    /// <summary>The active silos with their engines, every engine's queue (counts only), the unassigned tasks and the task store.</summary>
    [Alias("ClusterStatus")]
    Task<ClusterStatus> ClusterStatusAsync();
}
