using System.Runtime.CompilerServices;
using Orleans.Parallel.Results;

namespace Orleans.Parallel.Views;

public sealed partial class LoadBalancedView
{
    /// <summary>
    /// Applies <paramref name="function"/> to every item, load-balanced: the items are cut into
    /// <c>ceil(n / chunkSize)</c> near-even chunks, one task each, run wherever the scheduler puts
    /// them. <c>Get</c> and <c>await</c> give the results in input order; enumerating the result
    /// yields them in input order, or as chunks finish when <paramref name="ordered"/> is false.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="chunkSize"/> is less than 1.</exception>
    public AsyncMapResult<TResult> MapAsync<T, TResult>(Func<T, TResult> function, IEnumerable<T> items, int chunkSize = 1, bool ordered = true) =>
        MapCore<T, TResult>(function, items, chunkSize, ordered);

    /// <inheritdoc cref="MapAsync{T, TResult}(Func{T, TResult}, IEnumerable{T}, int, bool)"/>
    public AsyncMapResult<TResult> MapAsync<T, TResult>(Func<T, Task<TResult>> function, IEnumerable<T> items, int chunkSize = 1, bool ordered = true) =>
        MapCore<T, TResult>(function, items, chunkSize, ordered);

    /// <inheritdoc cref="MapAsync{T, TResult}(Func{T, TResult}, IEnumerable{T}, int, bool)"/>
    public AsyncMapResult<TResult> Map<T, TResult>(Func<T, TResult> function, IEnumerable<T> items, int chunkSize = 1, bool ordered = true) =>
        Blocking(MapAsync(function, items, chunkSize, ordered));

    /// <inheritdoc cref="MapAsync{T, TResult}(Func{T, TResult}, IEnumerable{T}, int, bool)"/>
    public IReadOnlyList<TResult> MapSync<T, TResult>(Func<T, TResult> function, IEnumerable<T> items, int chunkSize = 1) =>
        MapAsync(function, items, chunkSize).Get();

    /// <summary>
    /// Applies a two-argument <paramref name="function"/> to pairs of items, one from each sequence,
    /// in step; sequences of unequal length are cut to the shorter (as Python's <c>map</c> does).
    /// </summary>
    /// <inheritdoc cref="MapAsync{T, TResult}(Func{T, TResult}, IEnumerable{T}, int, bool)"/>
    public AsyncMapResult<TResult> MapAsync<T1, T2, TResult>(Func<T1, T2, TResult> function, IEnumerable<T1> first, IEnumerable<T2> second, int chunkSize = 1, bool ordered = true)
    {
        ArgumentNullException.ThrowIfNull(function);
        var a = Materialize(first, nameof(first));
        var b = Materialize(second, nameof(second));
        ViewOperations.CheckItemType<T1>(nameof(first));
        ViewOperations.CheckItemType<T2>(nameof(second));
        var count = Math.Min(a.Length, b.Length);
        var messages = _ops.Map(Flags, function, count, chunkSize, (walk, offset, length) =>
            [walk.Value(ViewOperations.Chunk(a, offset, length), nameof(first)), walk.Value(ViewOperations.Chunk(b, offset, length), nameof(second))]);
        return new AsyncMapResult<TResult>(Client, messages, ValueCast.Elements<TResult>, ordered);
    }

    /// <inheritdoc cref="MapAsync{T1, T2, TResult}(Func{T1, T2, TResult}, IEnumerable{T1}, IEnumerable{T2}, int, bool)"/>
    public AsyncMapResult<TResult> Map<T1, T2, TResult>(Func<T1, T2, TResult> function, IEnumerable<T1> first, IEnumerable<T2> second, int chunkSize = 1, bool ordered = true) =>
        Blocking(MapAsync(function, first, second, chunkSize, ordered));

    /// <summary>
    /// A lazy, load-balanced map (ipyparallel's <c>imap</c>): reads <paramref name="items"/> only as
    /// tasks finish, never holding more than <paramref name="maxOutstanding"/> chunks in flight
    /// (default: 8 per engine, at least 64), so an endless or huge source runs in bounded memory.
    /// Results come in input order, or as chunks finish when <paramref name="ordered"/> is false.
    /// Cancelling, or leaving the loop early, aborts the chunks still waiting; a failed task raises
    /// its error from the enumeration.
    /// </summary>
    public IAsyncEnumerable<TResult> IMap<T, TResult>(Func<T, TResult> function, IEnumerable<T> items, int chunkSize = 1,
        bool ordered = true, int? maxOutstanding = null, CancellationToken cancellationToken = default) =>
        LazySync<T, TResult>(function, items, chunkSize, ordered, maxOutstanding, cancellationToken);

    /// <inheritdoc cref="IMap{T, TResult}(Func{T, TResult}, IEnumerable{T}, int, bool, int?, CancellationToken)"/>
    public IAsyncEnumerable<TResult> IMap<T, TResult>(Func<T, Task<TResult>> function, IEnumerable<T> items, int chunkSize = 1,
        bool ordered = true, int? maxOutstanding = null, CancellationToken cancellationToken = default) =>
        LazySync<T, TResult>(function, items, chunkSize, ordered, maxOutstanding, cancellationToken);

    /// <inheritdoc cref="IMap{T, TResult}(Func{T, TResult}, IEnumerable{T}, int, bool, int?, CancellationToken)"/>
    public IAsyncEnumerable<TResult> IMap<T, TResult>(Func<T, TResult> function, IAsyncEnumerable<T> items, int chunkSize = 1,
        bool ordered = true, int? maxOutstanding = null, CancellationToken cancellationToken = default) =>
        LazyAsync<T, TResult>(function, items, chunkSize, ordered, maxOutstanding, cancellationToken);

    /// <inheritdoc cref="IMap{T, TResult}(Func{T, TResult}, IEnumerable{T}, int, bool, int?, CancellationToken)"/>
    public IAsyncEnumerable<TResult> IMap<T, TResult>(Func<T, Task<TResult>> function, IAsyncEnumerable<T> items, int chunkSize = 1,
        bool ordered = true, int? maxOutstanding = null, CancellationToken cancellationToken = default) =>
        LazyAsync<T, TResult>(function, items, chunkSize, ordered, maxOutstanding, cancellationToken);

    private IAsyncEnumerable<TResult> LazySync<T, TResult>(Delegate function, IEnumerable<T> items, int chunkSize,
        bool ordered, int? maxOutstanding, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        var reader = items.GetEnumerator();
        return Lazy<T, TResult>(function, (size, _) =>
        {
            var chunk = new List<T>(size);
            while (chunk.Count < size && reader.MoveNext()) chunk.Add(reader.Current);
            return ValueTask.FromResult(chunk.ToArray());
        }, reader.Dispose, chunkSize, ordered, maxOutstanding, cancellationToken);
    }

    private IAsyncEnumerable<TResult> LazyAsync<T, TResult>(Delegate function, IAsyncEnumerable<T> items, int chunkSize,
        bool ordered, int? maxOutstanding, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        var reader = items.GetAsyncEnumerator(cancellationToken);
        return Lazy<T, TResult>(function, async (size, token) =>
        {
            var chunk = new List<T>(size);
            while (chunk.Count < size && await reader.MoveNextAsync().ConfigureAwait(false)) chunk.Add(reader.Current);
            return chunk.ToArray();
        }, () => reader.DisposeAsync().AsTask().GetAwaiter().GetResult(), chunkSize, ordered, maxOutstanding, cancellationToken);
    }

    private IAsyncEnumerable<TResult> Lazy<T, TResult>(Delegate function, Func<int, CancellationToken, ValueTask<T[]>> read, Action close,
        int chunkSize, bool ordered, int? maxOutstanding, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        if (maxOutstanding is < 1) throw new ArgumentOutOfRangeException(nameof(maxOutstanding), maxOutstanding, "At least one chunk must be allowed in flight.");
        ViewOperations.CheckItemType<T>("items");
        var window = maxOutstanding ?? Math.Max(64, 8 * Client.Ids.Count);
        return new LazyMap<T, TResult>(_ops, Flags, function, read, close, chunkSize, ordered, window).RunAsync(cancellationToken);
    }

    private AsyncMapResult<TResult> MapCore<T, TResult>(Delegate function, IEnumerable<T> items, int chunkSize, bool ordered)
    {
        ArgumentNullException.ThrowIfNull(function);
        var list = Materialize(items, nameof(items));
        ViewOperations.CheckItemType<T>("items");
        var messages = _ops.Map(Flags, function, list.Length, chunkSize, (walk, offset, length) => [walk.Value(ViewOperations.Chunk(list, offset, length), "items")]);
        return new AsyncMapResult<TResult>(Client, messages, ValueCast.Elements<TResult>, ordered);
    }

    /// <summary>The items as an array (chunks of a primitive array are sent from it without a per-item copy).</summary>
    private static T[] Materialize<T>(IEnumerable<T> items, string name) =>
        (items ?? throw new ArgumentNullException(name)) as T[] ?? items.ToArray();
}
