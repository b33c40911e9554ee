namespace Orleans.Parallel.Grains.Engine;

/// <summary>
/// Msg ids aborted before their task reached the engine (as ipyparallel's engines keep an aborted
/// set). A client sends a task and may abort it at once; the two are separate calls and the abort
/// can arrive first, and would find nothing. The task is then ended as aborted when it arrives.
/// Kept for <see cref="Memory"/> and at most <see cref="Capacity"/> ids (the oldest go first), so
/// ids of tasks that had already ended, which never arrive, cost nothing for long.
/// </summary>
internal sealed class EarlyAborts
{
    public const int Capacity = 10_000;
    public static readonly TimeSpan Memory = TimeSpan.FromMinutes(10);

    private readonly Dictionary<Guid, DateTime> _ids = new();
    private readonly Queue<(Guid Id, DateTime At)> _order = new();

    public int Count => _ids.Count;

    public void Add(Guid msgId, DateTime now)
    {
        if (!_ids.TryAdd(msgId, now)) return;
        _order.Enqueue((msgId, now));
        while (_order.TryPeek(out var oldest) && (_order.Count > Capacity || now - oldest.At > Memory))
        {
            _order.Dequeue();
            if (_ids.TryGetValue(oldest.Id, out var at) && at == oldest.At) _ids.Remove(oldest.Id);
        }
    }

    /// <summary>Whether <paramref name="msgId"/> was aborted before it arrived; forgets it either way.</summary>
    public bool Take(Guid msgId) => _ids.Count > 0 && _ids.Remove(msgId);
}
