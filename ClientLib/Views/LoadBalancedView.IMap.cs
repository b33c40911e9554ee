using Orleans.Parallel.Results;

namespace Orleans.Parallel.Views;

/// <summary>
/// The load-balanced map's cores and its lazy form. A map's items are cut into
/// <c>ceil(n / chunkSize)</c> near-even chunks, one task each, run wherever the scheduler puts them.
/// <c>Get</c> and <c>await</c> give the results in input order; enumerating the result yields them in
/// input order, or as chunks finish when <c>ordered</c> is false.
/// </summary>
public sealed partial class LoadBalancedView
{
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
        LazySync<T, TResult>(function, items, chunkSize, ordered, maxOutstanding, false, m => ValueCast.Elements<TResult>(m.Done!), cancellationToken);

    /// <inheritdoc cref="IMap{T, TResult}(Func{T, TResult}, IEnumerable{T}, int, bool, int?, CancellationToken)"/>
    public IAsyncEnumerable<TResult> IMap<T, TResult>(Func<T, Task<TResult>> function, IEnumerable<T> items, int chunkSize = 1,
        bool ordered = true, int? maxOutstanding = null, CancellationToken cancellationToken = default) =>
        LazySync<T, TResult>(function, items, chunkSize, ordered, maxOutstanding, false, m => ValueCast.Elements<TResult>(m.Done!), cancellationToken);

    /// <inheritdoc cref="IMap{T, TResult}(Func{T, TResult}, IEnumerable{T}, int, bool, int?, CancellationToken)"/>
    public IAsyncEnumerable<TResult> IMap<T, TResult>(Func<T, TResult> function, IAsyncEnumerable<T> items, int chunkSize = 1,
        bool ordered = true, int? maxOutstanding = null, CancellationToken cancellationToken = default) =>
        LazyAsync<T, TResult>(function, items, chunkSize, ordered, maxOutstanding, false, m => ValueCast.Elements<TResult>(m.Done!), cancellationToken);

    /// <inheritdoc cref="IMap{T, TResult}(Func{T, TResult}, IEnumerable{T}, int, bool, int?, CancellationToken)"/>
    public IAsyncEnumerable<TResult> IMap<T, TResult>(Func<T, Task<TResult>> function, IAsyncEnumerable<T> items, int chunkSize = 1,
        bool ordered = true, int? maxOutstanding = null, CancellationToken cancellationToken = default) =>
        LazyAsync<T, TResult>(function, items, chunkSize, ordered, maxOutstanding, false, m => ValueCast.Elements<TResult>(m.Done!), cancellationToken);

    /// <summary>
    /// <see cref="IMap{T, TResult}(Func{T, TResult}, IEnumerable{T}, int, bool, int?, CancellationToken)"/> with
    /// errors in place (ipyparallel's <c>return_exceptions=True</c>): an item whose call raised yields
    /// its error as a <see cref="MapItem{T}"/>, and the enumeration goes on.
    /// </summary>
    public IAsyncEnumerable<MapItem<TResult>> IMapItems<T, TResult>(Func<T, TResult> function, IEnumerable<T> items, int chunkSize = 1,
        bool ordered = true, int? maxOutstanding = null, CancellationToken cancellationToken = default) =>
        LazySync<T, MapItem<TResult>>(function, items, chunkSize, ordered, maxOutstanding, true, MapItemReader.Of<TResult>, cancellationToken);

    /// <inheritdoc cref="IMapItems{T, TResult}(Func{T, TResult}, IEnumerable{T}, int, bool, int?, CancellationToken)"/>
    public IAsyncEnumerable<MapItem<TResult>> IMapItems<T, TResult>(Func<T, Task<TResult>> function, IEnumerable<T> items, int chunkSize = 1,
        bool ordered = true, int? maxOutstanding = null, CancellationToken cancellationToken = default) =>
        LazySync<T, MapItem<TResult>>(function, items, chunkSize, ordered, maxOutstanding, true, MapItemReader.Of<TResult>, cancellationToken);

    /// <inheritdoc cref="IMapItems{T, TResult}(Func{T, TResult}, IEnumerable{T}, int, bool, int?, CancellationToken)"/>
    public IAsyncEnumerable<MapItem<TResult>> IMapItems<T, TResult>(Func<T, TResult> function, IAsyncEnumerable<T> items, int chunkSize = 1,
        bool ordered = true, int? maxOutstanding = null, CancellationToken cancellationToken = default) =>
        LazyAsync<T, MapItem<TResult>>(function, items, chunkSize, ordered, maxOutstanding, true, MapItemReader.Of<TResult>, cancellationToken);

    /// <inheritdoc cref="IMapItems{T, TResult}(Func{T, TResult}, IEnumerable{T}, int, bool, int?, CancellationToken)"/>
    public IAsyncEnumerable<MapItem<TResult>> IMapItems<T, TResult>(Func<T, Task<TResult>> function, IAsyncEnumerable<T> items, int chunkSize = 1,
        bool ordered = true, int? maxOutstanding = null, CancellationToken cancellationToken = default) =>
        LazyAsync<T, MapItem<TResult>>(function, items, chunkSize, ordered, maxOutstanding, true, MapItemReader.Of<TResult>, cancellationToken);

    private IAsyncEnumerable<TOut> LazySync<T, TOut>(Delegate function, IEnumerable<T> items, int chunkSize,
        bool ordered, int? maxOutstanding, bool itemErrors, Func<PendingMessage, IEnumerable<TOut>> project, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        var reader = items.GetEnumerator();
        return Lazy(function, (size, _) =>
        {
            var chunk = new List<T>(size);
            while (chunk.Count < size && reader.MoveNext()) chunk.Add(reader.Current);
            return ValueTask.FromResult(chunk.ToArray());
        }, reader.Dispose, chunkSize, ordered, maxOutstanding, itemErrors, project, cancellationToken);
    }

    private IAsyncEnumerable<TOut> LazyAsync<T, TOut>(Delegate function, IAsyncEnumerable<T> items, int chunkSize,
        bool ordered, int? maxOutstanding, bool itemErrors, Func<PendingMessage, IEnumerable<TOut>> project, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        var reader = items.GetAsyncEnumerator(cancellationToken);
        return Lazy(function, async (size, token) =>
        {
            var chunk = new List<T>(size);
            while (chunk.Count < size && await reader.MoveNextAsync().ConfigureAwait(false)) chunk.Add(reader.Current);
            return chunk.ToArray();
        }, () => reader.DisposeAsync().AsTask().GetAwaiter().GetResult(), chunkSize, ordered, maxOutstanding, itemErrors, project, cancellationToken);
    }

    private IAsyncEnumerable<TOut> Lazy<T, TOut>(Delegate function, Func<int, CancellationToken, ValueTask<T[]>> read, Action close,
        int chunkSize, bool ordered, int? maxOutstanding, bool itemErrors, Func<PendingMessage, IEnumerable<TOut>> project, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        if (maxOutstanding is < 1) throw new ArgumentOutOfRangeException(nameof(maxOutstanding), maxOutstanding, "At least one chunk must be allowed in flight.");
        ViewOperations.CheckItemType<T>("items");
        var window = maxOutstanding ?? Math.Max(64, 8 * Client.Ids.Count);
        return new LazyMap<T, TOut>(_ops, Flags, function, read, close, chunkSize, ordered, window, itemErrors, project).RunAsync(cancellationToken);
    }

    /// <summary>Every map's core: its chunks sent, their values read in input order.</summary>
    private AsyncMapResult<TResult> Mapped<TResult>(Delegate function, MapInput input, int chunkSize, bool ordered)
    {
        ArgumentNullException.ThrowIfNull(function);
        var messages = _ops.Map(Flags, function, input, chunkSize, itemErrors: false);
        return new AsyncMapResult<TResult>(Client, messages, ValueCast.Elements<TResult>, ordered);
    }

    /// <summary>A map whose failed items stay in place as <see cref="MapItem{T}"/>s.</summary>
    private AsyncMapResult<MapItem<TResult>> MappedItems<TResult>(Delegate function, MapInput input, int chunkSize, bool ordered)
    {
        ArgumentNullException.ThrowIfNull(function);
        var messages = _ops.Map(Flags, function, input, chunkSize, itemErrors: true);
        return new AsyncMapResult<MapItem<TResult>>(Client, messages, MapItemReader.Of<TResult>, ordered, errorsInPlace: true);
    }
}
