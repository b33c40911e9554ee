using Orleans.Parallel.Results;

namespace Orleans.Parallel.Views;

/// <summary>
/// A function bound to a view that runs over whole sequences (ipyparallel's <c>@view.parallel</c>,
/// element-wise as its <c>.map</c>): each call maps the function over the items on the view's
/// engines. On a <see cref="DirectView"/> the items are cut into one contiguous block per engine; on
/// a <see cref="LoadBalancedView"/> into chunks the scheduler places. Results come in input order.
/// Made by <see cref="DirectView.Parallel{T, TResult}(Func{T, TResult})"/> or
/// <see cref="LoadBalancedView.Parallel{T, TResult}(Func{T, TResult}, int, bool)"/>:
/// <code>
/// var square = rc[..].Parallel((int x) => x * x);
/// IReadOnlyList&lt;int&gt; squares = await square.MapAsync(Enumerable.Range(0, 100));
/// </code>
/// </summary>
/// <typeparam name="T">The type of the items the function takes.</typeparam>
/// <typeparam name="TResult">The type of the value it returns for each item.</typeparam>
public sealed class ParallelFunction<T, TResult>
{
    private readonly Func<IEnumerable<T>, AsyncMapResult<TResult>> _map;
    private readonly Func<bool> _block;

    internal ParallelFunction(IParallelView view, Func<IEnumerable<T>, AsyncMapResult<TResult>> map, Func<bool> block) =>
        (View, _map, _block) = (view, map, block);

    /// <summary>The view the function runs on; its targets and flags are read at each call.</summary>
    public IParallelView View { get; }

    /// <summary>Maps the function over <paramref name="items"/> on the view's engines; the result at once, its values in input order.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="items"/> is null.</exception>
    public AsyncMapResult<TResult> MapAsync(IEnumerable<T> items) => _map(items ?? throw new ArgumentNullException(nameof(items)));

    /// <summary><see cref="MapAsync"/>, waiting for the result first when the view's <c>Block</c> flag is set.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="items"/> is null.</exception>
    public AsyncMapResult<TResult> Map(IEnumerable<T> items)
    {
        var result = MapAsync(items);
        if (_block()) result.Wait();
        return result;
    }

    /// <summary><see cref="MapAsync"/>, waiting for the values.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="items"/> is null.</exception>
    public IReadOnlyList<TResult> MapSync(IEnumerable<T> items) => MapAsync(items).Get();

    /// <summary>
    /// The function as a plain delegate over sequences, for code that takes one
    /// (<c>Func&lt;IEnumerable&lt;T&gt;, Task&lt;IReadOnlyList&lt;TResult&gt;&gt;&gt;</c>): each call maps over the view.
    /// </summary>
    public Func<IEnumerable<T>, Task<IReadOnlyList<TResult>>> AsFunc() => items => MapAsync(items).AsTask();

    /// <inheritdoc />
    public override string ToString() => $"<ParallelFunction on {View}>";
}
