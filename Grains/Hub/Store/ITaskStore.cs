using Orleans.Parallel.Hub;

namespace Orleans.Parallel.Grains.Hub.Store;

/// <summary>
/// Where task records live: in memory (the default) or in PostgreSQL. Every silo writes the
/// pieces of records it sees; the hub reads them back for any client.
/// </summary>
public interface ITaskStore
{
    /// <summary>
    /// Merges each record into the one stored under its msg id (<see cref="TaskRecord.Merge"/>), or
    /// stores it if there is none. Records of one task arrive in pieces, in any order.
    /// </summary>
    Task SaveAsync(IReadOnlyList<TaskRecord> records, CancellationToken cancellationToken = default);

    /// <summary>The stored records among <paramref name="msgIds"/>, in the order asked; ids not stored are left out.</summary>
    Task<IReadOnlyList<TaskRecord>> GetAsync(IReadOnlyList<Guid> msgIds, CancellationToken cancellationToken = default);

    /// <summary>
    /// The records that match <paramref name="query"/>, in submission order. With
    /// <paramref name="keys"/>, only those fields are filled in (and <see cref="TaskRecord.MsgId"/>
    /// always); the others are left unknown.
    /// </summary>
    /// <exception cref="ArgumentException">A condition's value does not have its field's type, or its operator does not apply to the field.</exception>
    Task<IReadOnlyList<TaskRecord>> QueryAsync(TaskQuery query, IReadOnlyCollection<TaskField>? keys = null, CancellationToken cancellationToken = default);

    /// <summary>Every stored msg id, in submission order (by <see cref="TaskRecord.Submitted"/>, then arrival).</summary>
    Task<IReadOnlyList<Guid>> HistoryAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes the records of <paramref name="msgIds"/>, or of every finished task when null; a
    /// pending task's record is never removed. Returns how many were removed.
    /// </summary>
    Task<int> PurgeAsync(IReadOnlyList<Guid>? msgIds, CancellationToken cancellationToken = default);
}
