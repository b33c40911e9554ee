namespace Orleans.Parallel.Grains.Hub.Store;

/// <summary>
/// One record as the memory store holds it: where it sorts (submission time, unknown last, then
/// arrival) and what it is estimated to cost. Its request's size is kept apart: later pieces of the
/// task carry the same request, and walking it again on every merge was a fifth of the store's time.
/// </summary>
internal sealed class StoredRecord(Orleans.Parallel.Hub.TaskRecord record, long arrival, long requestSize, long otherSize)
{
    // A merge that leaves the submission time as it was changes these in place; one that changes it
    // makes a new StoredRecord, since the order finds records by where they sort.
    public Orleans.Parallel.Hub.TaskRecord Record = record;
    public long RequestSize = requestSize;
    public long Size = requestSize + otherSize;
    public readonly long SubmittedKey = KeyOf(record);
    public readonly long Arrival = arrival;

    /// <summary>Set when the record was culled, purged or replaced; the order drops it when it next settles.</summary>
    public bool Removed;

    public static long KeyOf(Orleans.Parallel.Hub.TaskRecord record) => record.Submitted?.Ticks ?? long.MaxValue;

    public static readonly IComparer<StoredRecord> SubmissionOrder = Comparer<StoredRecord>.Create((a, b) =>
        a.SubmittedKey != b.SubmittedKey ? a.SubmittedKey.CompareTo(b.SubmittedKey) : a.Arrival.CompareTo(b.Arrival));
}

/// <summary>
/// The memory store's records in submission order, kept cheaply for a store that takes tens of
/// thousands of records a second and is read now and then. Records are appended; as long as each
/// comes after the last (the usual case: one silo's batch, in submission order) the list stays
/// sorted for free. Ones that arrive out of order (another silo's batch overlapping in time, a
/// submission time learnt late) wait in an unsorted tail, and removed ones stay as marks, until a
/// reader or the cull asks for the order: then the tail is sorted and merged in (it overlaps only
/// the last moments of the sorted part) and the marks are swept out in one pass.
/// </summary>
/// <remarks>
/// A sorted set did the same with a tree node per record and a logarithmic insert and removal
/// per task; on the load-balanced path that was most of what records cost the silo.
/// </remarks>
internal sealed class RecordOrder
{
    private readonly List<StoredRecord> _items = [];
    private int _sorted; // _items[.._sorted] are in order; the rest arrived out of it
    private int _removed;

    public void Add(StoredRecord record)
    {
        if (_sorted == _items.Count && (_sorted == 0 || StoredRecord.SubmissionOrder.Compare(_items[_sorted - 1], record) < 0)) _sorted++;
        _items.Add(record);
    }

    /// <summary>Marks a record removed; it leaves the list when the order next settles.</summary>
    public void Remove(StoredRecord record)
    {
        if (record.Removed) return;
        record.Removed = true;
        _removed++;
    }

    /// <summary>The live records in submission order. Valid until the next change.</summary>
    public IReadOnlyList<StoredRecord> InOrder()
    {
        if (_removed > 0) Sweep();
        if (_sorted < _items.Count) MergeTail();
        return _items;
    }

    private void Sweep()
    {
        int kept = 0, sorted = -1;
        for (var i = 0; i < _items.Count; i++)
        {
            if (i == _sorted) sorted = kept;
            if (!_items[i].Removed) _items[kept++] = _items[i];
        }
        _sorted = sorted < 0 ? kept : sorted;
        _items.RemoveRange(kept, _items.Count - kept);
        _removed = 0;
    }

    private void MergeTail()
    {
        var count = _items.Count;
        var order = StoredRecord.SubmissionOrder;
        _items.Sort(_sorted, count - _sorted, order);
        if (_sorted > 0 && order.Compare(_items[_sorted - 1], _items[_sorted]) > 0)
        {
            // The tail's first record belongs at `start`: only the sorted records from there on are merged.
            var start = _items.BinarySearch(0, _sorted, _items[_sorted], order);
            start = start < 0 ? ~start : start;
            var head = _items.GetRange(start, _sorted - start);
            int h = 0, t = _sorted, into = start;
            while (h < head.Count && t < count) _items[into++] = order.Compare(head[h], _items[t]) <= 0 ? head[h++] : _items[t++];
            while (h < head.Count) _items[into++] = head[h++]; // what is left of the tail is already in place
        }
        _sorted = count;
    }
}
