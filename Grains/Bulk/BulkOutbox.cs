using System.Collections.Concurrent;

namespace Orleans.Parallel.Grains.Bulk;

/// <summary>
/// Result arrays held for clients to fetch, sent from the engine's own memory (no copy). Because the
/// array may be a namespace variable, the engine runs its next task only once the array has been
/// sent (see <see cref="Offered.Sent"/>), or once nobody fetched it within <see cref="Lifetime"/>.
/// </summary>
public sealed class BulkOutbox
{
    /// <summary>How long an offered array waits for its client.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<Guid, Offered> _entries = new();

    /// <summary>An array offered under a token; <see cref="Sent"/> completes once it is no longer read.</summary>
    public sealed class Offered(Array array, Guid session)
    {
        private readonly TaskCompletionSource _sent = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public Array Array { get; } = array;
        public Guid Session { get; } = session;
        public DateTime Created { get; } = DateTime.UtcNow;
        public Task Sent => _sent.Task;
        internal void Release() => _sent.TrySetResult();
    }

    /// <summary>Offers <paramref name="array"/> to clients of <paramref name="session"/>.</summary>
    public (Guid Token, Offered Entry) Offer(Array array, Guid session)
    {
        var token = Guid.NewGuid();
        var entry = new Offered(array, session);
        _entries[token] = entry;
        return (token, entry);
    }

    /// <summary>Takes an offered array for sending; null if it expired or was never offered.</summary>
    internal Offered? Claim(Guid token) => _entries.TryRemove(token, out var entry) ? entry : null;

    /// <summary>
    /// An offered array, left on offer (the task recorder copies results it keeps); null if it expired
    /// or was never offered. Blocks while the array's bytes are still arriving (<see cref="ArrayArrival"/>);
    /// null if they stopped coming.
    /// </summary>
    internal Array? Peek(Guid token) =>
        _entries.TryGetValue(token, out var entry) && (ArrayArrival.Of(entry.Array)?.WaitAll() ?? true) ? entry.Array : null;

    /// <summary>Withdraws what a session's client will never fetch (it ended).</summary>
    public void EndSession(Guid session)
    {
        foreach (var (token, entry) in _entries)
            if (entry.Session == session && _entries.TryRemove(token, out _)) entry.Release();
    }

    internal void Sweep(DateTime now)
    {
        foreach (var (token, entry) in _entries)
            if (now - entry.Created > Lifetime && _entries.TryRemove(token, out _)) entry.Release();
    }
}
