using Orleans.Parallel.Hub;

namespace Orleans.Parallel.Grains.Hub.Store;

/// <summary>
/// Task records in memory (ipyparallel's <c>DictDB</c>, the default store): held in submission
/// order, limited in count and estimated size. Past a limit the oldest finished records are culled
/// until the store is <see cref="TaskStoreOptions.CullFraction"/> under it; pending records stay.
/// One lock guards everything; no call waits on anything else while holding it.
/// </summary>
/// <remarks>
/// A removed (culled or purged) task may still have pieces on the way, such as a late "started"
/// from a retry; merged into nothing they would make a record that stays pending for ever. So
/// the ids of the last <see cref="ForgetLimit"/> removed records are remembered and pieces for
/// them are dropped.
/// </remarks>
public sealed partial class MemoryTaskStore : ITaskStore
{
    /// <summary>How many removed ids are remembered, to drop their late pieces (about 40 bytes each).</summary>
    internal const int ForgetLimit = 100_000;

    private readonly TaskStoreOptions _options;
    private readonly Lock _lock = new();
    private readonly Dictionary<Guid, StoredRecord> _byId = [];
    private readonly RecordOrder _order = new();
    private readonly HashSet<Guid> _forgotten = [];
    private readonly Queue<Guid> _forgottenOrder = new();
    private long _arrivals;
    private long _size;

    /// <summary>An empty store with the limits of <paramref name="options"/>.</summary>
    public MemoryTaskStore(TaskStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    /// <summary>How many records are held.</summary>
    public int Count
    {
        get { lock (_lock) return _byId.Count; }
    }

    /// <summary>The estimated bytes of the records held (<see cref="SizeOf"/>).</summary>
    public long Size
    {
        get { lock (_lock) return _size; }
    }

    /// <inheritdoc />
    public Task SaveAsync(IReadOnlyList<TaskRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        for (var i = 0; i < records.Count; i++)
            if (records[i] is null) throw new ArgumentException($"Record {i} of the {records.Count} to save is null.", nameof(records));
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            foreach (var piece in records) Save(piece);
            CullIfOver();
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<TaskRecord>> GetAsync(IReadOnlyList<Guid> msgIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(msgIds);
        cancellationToken.ThrowIfCancellationRequested();
        var found = new List<TaskRecord>(msgIds.Count);
        lock (_lock)
        {
            foreach (var id in msgIds)
                if (_byId.TryGetValue(id, out var entry)) found.Add(entry.Record);
        }
        return Task.FromResult<IReadOnlyList<TaskRecord>>(found);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<TaskRecord>> QueryAsync(TaskQuery query, IReadOnlyCollection<TaskField>? keys = null, CancellationToken cancellationToken = default)
    {
        if (query is null) throw new ArgumentException("The task query is null; use TaskQuery.All to match every record.", nameof(query));
        var valid = query.Validate();
        var selected = keys is null ? null : TaskRecordProjection.Keys(keys);
        cancellationToken.ThrowIfCancellationRequested();
        var matched = new List<TaskRecord>();
        lock (_lock)
        {
            foreach (var stored in _order.InOrder())
                if (valid.Matches(stored.Record)) matched.Add(stored.Record);
        }
        if (selected is not null)
            for (var i = 0; i < matched.Count; i++) matched[i] = TaskRecordProjection.Project(matched[i], selected);
        return Task.FromResult<IReadOnlyList<TaskRecord>>(matched);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Guid>> HistoryAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
            return Task.FromResult<IReadOnlyList<Guid>>(_order.InOrder().Select(e => e.Record.MsgId).ToArray());
    }

    /// <inheritdoc />
    public Task<int> PurgeAsync(IReadOnlyList<Guid>? msgIds, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            var victims = msgIds is null
                ? _order.InOrder().Where(e => e.Record.IsDone).ToList()
                : msgIds.Distinct().Select(id => _byId.GetValueOrDefault(id)).OfType<StoredRecord>().Where(e => e.Record.IsDone).ToList();
            foreach (var entry in victims) Remove(entry);
            return Task.FromResult(victims.Count);
        }
    }

    /// <summary>
    /// Merges one piece in (or adds it), keeping the order and the size total. A merge that moves
    /// the record (its submission time was unknown) replaces the stored one, which the order drops
    /// later; it keeps its arrival, so ties still sort as they first came. Caller holds the lock.
    /// </summary>
    private void Save(TaskRecord piece)
    {
        if (_forgotten.Contains(piece.MsgId)) return;
        if (!_byId.TryGetValue(piece.MsgId, out var stored))
        {
            Add(new StoredRecord(piece, _arrivals++, MeasureRequest(piece.Request), SizeWithoutRequest(piece)));
            return;
        }
        var merged = TaskRecord.Merge(stored.Record, piece);
        var requestSize = ReferenceEquals(merged.Request, stored.Record.Request) ? stored.RequestSize : MeasureRequest(merged.Request);
        var size = requestSize + SizeWithoutRequest(merged);
        if (StoredRecord.KeyOf(merged) == stored.SubmittedKey)
        {
            // The usual merge (a task's end arriving a flush after its start): it stays where it sorts.
            _size += size - stored.Size;
            stored.Record = merged;
            stored.RequestSize = requestSize;
            stored.Size = size;
            return;
        }
        Remove(stored, forget: false);
        Add(new StoredRecord(merged, stored.Arrival, requestSize, size - requestSize));
    }

    private void Add(StoredRecord stored)
    {
        _byId[stored.Record.MsgId] = stored;
        _order.Add(stored);
        _size += stored.Size;
    }

    /// <summary>
    /// Past a limit, removes the oldest finished records until the count (and, if the size was
    /// over, the size) is <see cref="TaskStoreOptions.CullFraction"/> under it, as ipyparallel's
    /// <c>DictDB._maybe_cull</c> does. Pending records are skipped, so a store full of pending
    /// tasks stays over its limit until they end. Caller holds the lock.
    /// </summary>
    private void CullIfOver()
    {
        var overCount = _byId.Count > _options.RecordLimit;
        var overSize = _size > _options.SizeLimit;
        if (!overCount && !overSize) return;
        var countTarget = (long)Math.Floor(_options.RecordLimit * (1 - _options.CullFraction));
        var sizeTarget = (long)Math.Floor(_options.SizeLimit * (1 - _options.CullFraction));
        long count = _byId.Count, size = _size;
        var victims = new List<StoredRecord>();
        foreach (var entry in _order.InOrder())
        {
            if (!(overCount && count > countTarget) && !(overSize && size > sizeTarget)) break;
            if (!entry.Record.IsDone) continue;
            victims.Add(entry);
            count--;
            size -= entry.Size;
        }
        foreach (var entry in victims) Remove(entry);
    }

    /// <summary>Drops a record and (when culled or purged) remembers its id, so late pieces do not bring it back. Caller holds the lock.</summary>
    private void Remove(StoredRecord stored, bool forget = true)
    {
        var id = stored.Record.MsgId;
        _order.Remove(stored);
        _size -= stored.Size;
        if (!forget) return;
        _byId.Remove(id);
        if (!_forgotten.Add(id)) return;
        _forgottenOrder.Enqueue(id);
        if (_forgottenOrder.Count > ForgetLimit) _forgotten.Remove(_forgottenOrder.Dequeue());
    }
}
