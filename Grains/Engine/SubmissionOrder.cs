namespace Orleans.Parallel.Grains.Engine;

/// <summary>
/// Puts each client session's tasks back into submission order. Orleans does not keep the order of
/// separate calls (a client may reach an engine through several gateways), but a user who pushes
/// <c>x</c> and then executes code using <c>x</c> relies on it. Each task carries its session's
/// sequence number for this engine; a task that arrives early is held until the ones before it
/// arrive, or until it has waited <see cref="GapTimeout"/> (a lost call must not stall the engine).
/// </summary>
internal sealed class SubmissionOrder
{
    public static readonly TimeSpan GapTimeout = TimeSpan.FromSeconds(5);

    private readonly Dictionary<Guid, Session> _sessions = new();

    private sealed class Session
    {
        public long Expected;
        public readonly SortedDictionary<long, (QueuedTask Task, DateTime Arrived)> Held = new();
    }

    public bool HasHeld => _sessions.Values.Any(s => s.Held.Count > 0);

    /// <summary>Tasks held back, in sequence order per session.</summary>
    public IEnumerable<QueuedTask> Held => _sessions.Values.SelectMany(s => s.Held.Values.Select(h => h.Task));

    /// <summary>Registers an arrival; returns the tasks that may now be queued, in order.</summary>
    public IReadOnlyList<QueuedTask> Arrive(QueuedTask task, DateTime now)
    {
        var seq = task.Task.Seq;
        if (!_sessions.TryGetValue(task.Task.SessionId, out var session))
            _sessions[task.Task.SessionId] = session = new Session();
        if (seq < session.Expected) return [task];
        if (seq > session.Expected)
        {
            session.Held[seq] = (task, now);
            return [];
        }
        var ready = new List<QueuedTask> { task };
        session.Expected = seq + 1;
        while (session.Held.Remove(session.Expected, out var next))
        {
            ready.Add(next.Task);
            session.Expected++;
        }
        return ready;
    }

    /// <summary>Gives up on gaps older than <see cref="GapTimeout"/>: their held tasks are released in order.</summary>
    public IReadOnlyList<QueuedTask> ReleaseOverdue(DateTime now)
    {
        var ready = new List<QueuedTask>();
        foreach (var session in _sessions.Values)
        {
            if (session.Held.Count == 0 || now - session.Held.Values.Min(h => h.Arrived) < GapTimeout) continue;
            foreach (var (seq, held) in session.Held)
            {
                ready.Add(held.Task);
                session.Expected = seq + 1;
            }
            session.Held.Clear();
        }
        return ready;
    }

    /// <summary>
    /// Marks held tasks that match as aborted and returns them; they keep their place so the tasks
    /// after them are not held up waiting for a number that would never come.
    /// </summary>
    public IReadOnlyList<QueuedTask> MarkAborted(Func<QueuedTask, bool> match)
    {
        var marked = Held.Where(t => !t.Aborted && match(t)).ToArray();
        foreach (var task in marked) task.Aborted = true;
        return marked;
    }

    /// <summary>Forgets a session (its held tasks must have been aborted first).</summary>
    public void Forget(Guid sessionId) => _sessions.Remove(sessionId);
}
