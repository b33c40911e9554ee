using System.Collections.Concurrent;

namespace Orleans.Parallel.Grains.Bulk;

/// <summary>
/// Arrays clients sent to this silo, waiting for the engine task that names them. Either side may
/// come first: the bytes (through <see cref="BulkServer"/>) or the task (through <see cref="Take"/>).
/// </summary>
public sealed class BulkInbox
{
    /// <summary>How long a task waits for a transfer that has not even begun.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long an arrived array waits for its task before it is dropped.</summary>
    public static readonly TimeSpan Unclaimed = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<Guid, Entry> _entries = new();

    internal sealed class Entry
    {
        public readonly TaskCompletionSource<Array> Array = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly TaskCompletionSource Started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly DateTime Created = DateTime.UtcNow;
    }

    internal Entry Receiving(Guid token)
    {
        var entry = _entries.GetOrAdd(token, _ => new Entry());
        entry.Started.TrySetResult();
        return entry;
    }

    /// <summary>Waits for the array sent under <paramref name="token"/> and removes it. Blocks: call it on an engine thread.</summary>
    /// <exception cref="TimeoutException">No transfer under that token began within <see cref="StartTimeout"/>.</exception>
    public Array Take(Guid token)
    {
        var entry = _entries.GetOrAdd(token, _ => new Entry());
        try
        {
            if (!entry.Started.Task.Wait(StartTimeout))
                throw new TimeoutException(
                    $"The client's bulk data {token} did not reach this silo within {StartTimeout.TotalSeconds:0} s; is the silo's bulk port reachable from the client?");
            return entry.Array.Task.GetAwaiter().GetResult();
        }
        finally
        {
            _entries.TryRemove(token, out _);
        }
    }

    /// <summary>Drops arrays nobody claimed (their task never came) and waits nobody serves.</summary>
    internal void Sweep(DateTime now)
    {
        foreach (var (token, entry) in _entries)
            if (now - entry.Created > Unclaimed && _entries.TryRemove(token, out _))
                entry.Array.TrySetException(new TimeoutException($"Bulk data {token} was not claimed in time."));
    }
}
