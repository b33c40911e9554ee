using System.Runtime.InteropServices;

namespace Orleans.Parallel.Grains.Hub;

/// <summary>
/// Items added from many threads at once and taken, all together, by one reader now and then (the
/// task recorder's events). Each thread adds to one of several stripes under that stripe's lock, so
/// writers seldom meet; the reader swaps each stripe's list for a spare and reads it outside the lock.
/// Lists keep their capacity, so once warm nothing is allocated per item.
/// </summary>
/// <remarks>
/// A <see cref="System.Collections.Concurrent.ConcurrentQueue{T}"/> did this before: it grows its
/// segments by doubling and never shrinks, so a recorder hearing fifteen thousand events between
/// flushes kept allocating segments of megabytes on the large object heap, and each of those
/// brought a full collection closer. One lock for everything made three threads wait on two cores.
/// </remarks>
internal sealed class StripedBuffer<T>
{
    private sealed class Stripe
    {
        public readonly Lock Gate = new();
        public List<T> Items = [];
        public List<T> Spare = [];
    }

    private readonly Stripe[] _stripes;
    private int _count;

    public StripedBuffer(int stripes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stripes, 1);
        _stripes = new Stripe[stripes];
        for (var i = 0; i < stripes; i++) _stripes[i] = new Stripe();
    }

    /// <summary>Items added and not yet taken (approximate while writers run).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Adds an item; returns about how many wait now.</summary>
    public int Add(in T item)
    {
        var stripe = _stripes[(uint)Environment.CurrentManagedThreadId % (uint)_stripes.Length];
        lock (stripe.Gate) stripe.Items.Add(item);
        return Interlocked.Increment(ref _count);
    }

    /// <summary>
    /// Hands every item added so far to <paramref name="take"/>, stripe by stripe (each stripe's in the
    /// order it got them). One reader at a time: the caller makes sure of that.
    /// </summary>
    public void TakeAll<TState>(TState state, TakeItem<TState> take)
    {
        foreach (var stripe in _stripes)
        {
            List<T> taken;
            lock (stripe.Gate)
            {
                if (stripe.Items.Count == 0) continue;
                taken = stripe.Items;
                stripe.Items = stripe.Spare;
                stripe.Spare = taken;
            }
            foreach (ref readonly var item in CollectionsMarshal.AsSpan(taken)) take(state, in item);
            Interlocked.Add(ref _count, -taken.Count);
            taken.Clear(); // lets go of what the items referenced; the capacity stays for the next round
        }
    }

    public delegate void TakeItem<in TState>(TState state, in T item);
}
