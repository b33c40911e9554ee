using Orleans.Parallel.Results;
using TaskStatus = Orleans.Parallel.Engine.TaskStatus;

namespace Orleans.Parallel.Connection;

/// <summary>
/// How this client's most recent tasks ended (status and engine), so a dependency given as a bare
/// message id still resolves after its AsyncResult was dropped. Bounded: the oldest are forgotten
/// first, and memory stays flat however many tasks a client runs.
/// </summary>
internal sealed class RecentOutcomes(int capacity = RecentOutcomes.DefaultCapacity)
{
    public const int DefaultCapacity = 65_536;

    public readonly record struct Outcome(TaskStatus Status, int EngineId);

    private readonly Dictionary<Guid, Outcome> _byId = new();
    private readonly Guid[] _order = new Guid[capacity];
    private int _next;

    public int Capacity => capacity;

    public void Record(Guid msgId, TaskStatus status, int engineId)
    {
        lock (_byId)
        {
            if (_byId.ContainsKey(msgId))
            {
                _byId[msgId] = new(status, engineId);
                return;
            }
            var oldest = _order[_next];
            if (oldest != Guid.Empty) _byId.Remove(oldest);
            _order[_next] = msgId;
            _next = (_next + 1) % _order.Length;
            _byId[msgId] = new(status, engineId);
        }
    }

    /// <summary>Records a message that ended on the client (failed or aborted before or without a reply).</summary>
    public void Record(PendingMessage message) =>
        Record(message.MsgId, message.Done?.Status ?? TaskStatus.Error, message.EngineId);

    public bool TryGet(Guid msgId, out Outcome outcome)
    {
        lock (_byId) return _byId.TryGetValue(msgId, out outcome);
    }
}
