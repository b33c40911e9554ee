using System.Runtime.CompilerServices;

namespace Orleans.Parallel.Grains.Bulk;

/// <summary>
/// An array whose bytes are still arriving, offered before they have all come: a large result of an
/// isolated engine is read from its process while the client already downloads it, so the two copies
/// overlap instead of following each other (<see cref="Isolation.Protocol.FrameChannel"/> fills it,
/// <see cref="BulkServer"/> sends each part once it is there, <see cref="BulkOutbox.Peek"/> waits for
/// all of it). An array is known as arriving by its identity, from the moment its frame is read until
/// its last byte is in; one whose process ended first stays known as failed while it lives.
/// </summary>
internal sealed class ArrayArrival
{
    private static readonly ConditionalWeakTable<Array, ArrayArrival> Arriving = new();

    private readonly Lock _gate = new();
    private readonly Array _array;
    private long _arrived;
    private Exception? _failed;
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously); // completes at the next progress

    private ArrayArrival(Array array, long length)
    {
        _array = array;
        Length = length;
    }

    /// <summary>The array's length in bytes.</summary>
    public long Length { get; }

    /// <summary>Marks <paramref name="array"/> as arriving until <see cref="Arrived"/> reaches its length or <see cref="Fail"/> is called.</summary>
    public static ArrayArrival Begin(Array array, long length)
    {
        var arrival = new ArrayArrival(array, length);
        Arriving.AddOrUpdate(array, arrival);
        return arrival;
    }

    /// <summary>The arrival of <paramref name="array"/> if its bytes are still coming (or stopped coming); null once they are all in, and for any other array.</summary>
    public static ArrayArrival? Of(Array array) => Arriving.TryGetValue(array, out var arrival) ? arrival : null;

    /// <summary>The first <paramref name="bytes"/> bytes are in the array.</summary>
    public void Arrived(long bytes)
    {
        TaskCompletionSource woken;
        lock (_gate)
        {
            _arrived = bytes;
            woken = _next;
            _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        if (bytes >= Length) Arriving.Remove(_array);
        woken.TrySetResult();
    }

    /// <summary>The rest of the bytes will not come: whoever waits for them fails with <paramref name="cause"/>.</summary>
    public void Fail(Exception cause)
    {
        TaskCompletionSource woken;
        lock (_gate)
        {
            _failed ??= cause;
            woken = _next;
        }
        // Still known as arriving (and failed) for as long as the array lives: it must never be sent as whole.
        woken.TrySetResult();
    }

    /// <summary>How many bytes have arrived, once more than <paramref name="have"/> have (or all of them).</summary>
    /// <exception cref="IOException">The bytes stopped coming (the engine's process ended).</exception>
    public async ValueTask<long> MoreThanAsync(long have, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task progress;
            lock (_gate)
            {
                if (_arrived > have || _arrived >= Length) return _arrived;
                if (_failed is not null) throw Failure();
                progress = _next.Task;
            }
            await progress.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Blocks until every byte is in; false if they stopped coming.</summary>
    public bool WaitAll()
    {
        while (true)
        {
            Task progress;
            lock (_gate)
            {
                if (_arrived >= Length) return true;
                if (_failed is not null) return false;
                progress = _next.Task;
            }
            progress.Wait();
        }
    }

    private IOException Failure() => new(
        $"The engine's process ended after sending {_arrived:N0} of the {Length:N0} bytes of its result: {_failed!.Message}", _failed);
}
