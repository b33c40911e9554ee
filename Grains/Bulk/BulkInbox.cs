using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Orleans.Parallel.Grains.Bulk;

/// <summary>
/// Arrays clients sent to this silo, waiting for the engine task that names them. Either side may
/// come first: the bytes (through <see cref="BulkServer"/>) or the task (through <see cref="Take"/>).
/// The bytes of arrays being received or waiting are counted against <see cref="BulkOptions.MaxInFlightBytes"/>
/// until their task takes them (or they are dropped), so senders cannot fill the silo's memory.
/// </summary>
public sealed class BulkInbox(IOptions<BulkOptions> options)
{
    /// <summary>How long a task waits for a transfer that has not even begun.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long an arrived array waits for its task before it is dropped.</summary>
    public static readonly TimeSpan Unclaimed = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<Guid, Entry> _entries = new();
    private readonly long _limit = options.Value.InFlightLimit;
    private long _inFlight;

    /// <summary>Bytes of arrays being received or waiting for their tasks.</summary>
    public long InFlightBytes => Interlocked.Read(ref _inFlight);

    internal sealed class Entry(BulkInbox inbox)
    {
        public readonly TaskCompletionSource<Array> Array = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly TaskCompletionSource Started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly DateTime Created = DateTime.UtcNow;
        private long _reserved;
        private int _receiving;

        /// <summary>Claims the receipt for one connection and counts its bytes; false (with the reason) if another connection has it or the limit is reached.</summary>
        public bool TryBegin(long bytes, out string? refused)
        {
            if (Interlocked.Exchange(ref _receiving, 1) == 1)
            {
                refused = "another connection already sent this transfer";
                return false;
            }
            if (Interlocked.Add(ref inbox._inFlight, bytes) > inbox._limit)
            {
                Interlocked.Add(ref inbox._inFlight, -bytes);
                refused = $"the silo already holds {inbox.InFlightBytes:N0} bytes of arrays in flight, and {bytes:N0} more would pass its limit of " +
                    $"{inbox._limit:N0} (BulkOptions.MaxInFlightBytes); send fewer large arrays at once";
                return false;
            }
            Interlocked.Exchange(ref _reserved, bytes);
            refused = null;
            return true;
        }

        /// <summary>Uncounts the entry's bytes (once): its task took them, or they were dropped.</summary>
        public void Release() => Interlocked.Add(ref inbox._inFlight, -Interlocked.Exchange(ref _reserved, 0));

        /// <summary>The transfer failed: the waiting task learns why, and its bytes are uncounted.</summary>
        public void Fail(Exception error)
        {
            Array.TrySetException(error);
            Release();
        }
    }

    internal Entry Receiving(Guid token)
    {
        var entry = _entries.GetOrAdd(token, _ => new Entry(this));
        entry.Started.TrySetResult();
        return entry;
    }

    /// <summary>Waits for the array sent under <paramref name="token"/> and removes it. Blocks: call it on an engine thread.</summary>
    /// <exception cref="TimeoutException">No transfer under that token began within <see cref="StartTimeout"/>.</exception>
    public Array Take(Guid token)
    {
        var entry = _entries.GetOrAdd(token, _ => new Entry(this));
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
            entry.Release(); // the namespace holds it now (or it failed): no longer in flight
        }
    }

    /// <summary>Drops arrays nobody claimed (their task never came) and waits nobody serves.</summary>
    internal void Sweep(DateTime now)
    {
        foreach (var (token, entry) in _entries)
            if (now - entry.Created > Unclaimed && _entries.TryRemove(token, out _))
                entry.Fail(new TimeoutException($"Bulk data {token} was not claimed in time."));
    }
}
