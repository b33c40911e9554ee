using Orleans.Parallel.Views;

namespace Orleans.Parallel.Linq;

/// <summary>
/// A LINQ query whose operators run on a cluster, made by
/// <see cref="ClusterEnumerable.AsParallelOn{T}(IEnumerable{T}, LoadBalancedView)"/>:
/// <code>
/// await foreach (var n in Enumerable.Range(0, 1_000).AsParallelOn(lb).Select(x => x * x).Where(x => x % 3 == 0))
///     Console.WriteLine(n);
/// </code>
/// Each <c>Select</c> or <c>Where</c> is one lazy, load-balanced pass
/// (<see cref="LoadBalancedView.IMap{T, TResult}(Func{T, TResult}, IAsyncEnumerable{T}, int, bool, int?, CancellationToken)"/>):
/// items go out in chunks, a bounded number in flight, and the values come back before the next
/// operator sends them out again. Nothing is read or sent until the query is enumerated, and each
/// enumeration runs it anew. Leaving the loop early, or cancelling, aborts what is still in flight;
/// a function that fails raises its error from the enumeration. Options
/// (<see cref="AsOrdered"/>/<see cref="AsUnordered"/>, <see cref="WithChunkSize"/>,
/// <see cref="WithMaxOutstanding"/>) hold for the whole query, wherever they are set. Operators
/// other than these (from <c>System.Linq.AsyncEnumerable</c>) run here, on the results.
/// </summary>
/// <typeparam name="T">The type of the query's values.</typeparam>
public sealed class ClusterQuery<T> : IAsyncEnumerable<T>
{
    private readonly ClusterQueryOptions _options;
    private readonly Func<ClusterQueryOptions, CancellationToken, IAsyncEnumerable<T>> _run;

    internal ClusterQuery(LoadBalancedView view, ClusterQueryOptions options, Func<ClusterQueryOptions, CancellationToken, IAsyncEnumerable<T>> run) =>
        (View, _options, _run) = (view, options, run);

    /// <summary>The view whose engines run the query's operators.</summary>
    public LoadBalancedView View { get; }

    /// <summary>Whether values come in input order (true, the default) or as their chunks finish.</summary>
    public bool IsOrdered => _options.Ordered;

    /// <summary>How many items go in one task. Default 1.</summary>
    public int ChunkSize => _options.ChunkSize;

    /// <summary>How many chunks each operator keeps in flight at most; null (default) for the view's lazy map default (8 per engine, at least 64).</summary>
    public int? MaxOutstanding => _options.MaxOutstanding;

    /// <summary>Projects each value on the engines.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="selector"/> is null.</exception>
    public ClusterQuery<TResult> Select<TResult>(Func<T, TResult> selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        return Then((o, upstream, token) => View.IMap(selector, upstream, o.ChunkSize, o.Ordered, o.MaxOutstanding, token));
    }

    /// <inheritdoc cref="Select{TResult}(Func{T, TResult})"/>
    /// <remarks>The selector may be async: its task is awaited on the engine.</remarks>
    public ClusterQuery<TResult> Select<TResult>(Func<T, Task<TResult>> selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        return Then((o, upstream, token) => View.IMap(selector, upstream, o.ChunkSize, o.Ordered, o.MaxOutstanding, token));
    }

    /// <summary>Keeps the values for which <paramref name="predicate"/>, run on the engines, is true. Only the verdicts travel back.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="predicate"/> is null.</exception>
    public ClusterQuery<T> Where(Func<T, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return Then((o, upstream, token) => RemoteFilter.RunAsync(upstream,
            items => View.IMapItems(predicate, items, o.ChunkSize, o.Ordered, o.MaxOutstanding, token), token));
    }

    /// <inheritdoc cref="Where(Func{T, bool})"/>
    /// <remarks>The predicate may be async: its task is awaited on the engine.</remarks>
    public ClusterQuery<T> Where(Func<T, Task<bool>> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return Then((o, upstream, token) => RemoteFilter.RunAsync(upstream,
            items => View.IMapItems(predicate, items, o.ChunkSize, o.Ordered, o.MaxOutstanding, token), token));
    }

    /// <summary>The query with values in input order (the default, as PLINQ's <c>AsOrdered</c>).</summary>
    public ClusterQuery<T> AsOrdered() => With(_options with { Ordered = true });

    /// <summary>The query with values as their chunks finish, which keeps engines busier when some items take longer (PLINQ's <c>AsUnordered</c>).</summary>
    public ClusterQuery<T> AsUnordered() => With(_options with { Ordered = false });

    /// <summary>The query with <paramref name="chunkSize"/> items a task: fewer, larger tasks for cheap functions.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="chunkSize"/> is less than 1.</exception>
    public ClusterQuery<T> WithChunkSize(int chunkSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        return With(_options with { ChunkSize = chunkSize });
    }

    /// <summary>The query with at most <paramref name="maxOutstanding"/> chunks in flight per operator, which also bounds how far ahead the source is read.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxOutstanding"/> is less than 1.</exception>
    public ClusterQuery<T> WithMaxOutstanding(int maxOutstanding)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxOutstanding, 1);
        return With(_options with { MaxOutstanding = maxOutstanding });
    }

    /// <summary>Runs the query: from here on the source is read and tasks are sent.</summary>
    public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
        _run(_options, cancellationToken).GetAsyncEnumerator(cancellationToken);

    /// <inheritdoc />
    public override string ToString() => $"<ClusterQuery on {View}, {(IsOrdered ? "ordered" : "unordered")}, chunks of {ChunkSize}>";

    private ClusterQuery<T> With(ClusterQueryOptions options) => new(View, options, _run);

    private ClusterQuery<TOut> Then<TOut>(Func<ClusterQueryOptions, IAsyncEnumerable<T>, CancellationToken, IAsyncEnumerable<TOut>> stage)
    {
        var run = _run;
        return new(View, _options, (options, token) => stage(options, run(options, token), token));
    }
}
