using Orleans.Parallel.Results.Watching;
using Orleans.Parallel.Views;

namespace Orleans.Parallel.Results;

/// <summary>Live progress for a lazy map (<see cref="LoadBalancedView.IMap{T, TResult}(Func{T, TResult}, IEnumerable{T}, int, bool, int?, CancellationToken)"/>), which has no <see cref="AsyncResult"/> to watch.</summary>
public static class ProgressWatching
{
    /// <summary>
    /// The same results, read through a watch: while they are enumerated, progress is shown as for
    /// <see cref="AsyncResult.WatchAsync"/>, counting each item as the loop gets it. Pass
    /// <paramref name="total"/> (the input's count) for a bar, a percentage and an ETA; without it the
    /// count, rate and elapsed time are shown. Engines busy are those running any task of
    /// <paramref name="view"/>'s client, as a lazy map does not name its tasks. A failed
    /// <see cref="MapItem{T}"/> (from <c>IMapItems</c>) or an error the results raise is shown as it
    /// comes. The watch ends with the loop; leaving it early is said so (and, as for any lazy map,
    /// aborts its waiting chunks).
    /// </summary>
    /// <example><code>await foreach (var y in lb.IMap(f, xs).Watch(lb, xs.Length)) …</code></example>
    /// <param name="results">The lazy map's results.</param>
    /// <param name="view">The view that runs the map (its client is asked which engines are busy).</param>
    /// <param name="total">How many items the map yields, when known.</param>
    /// <param name="options">How to show progress; null for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="results"/> or <paramref name="view"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="total"/> is negative, or a setting of <paramref name="options"/> is out of range.</exception>
    public static IAsyncEnumerable<T> Watch<T>(this IAsyncEnumerable<T> results, IParallelView view, int? total = null, WatchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(view);
        if (total is < 0) throw new ArgumentOutOfRangeException(nameof(total), total, "A watched map's total cannot be negative; pass null when it is unknown.");
        options ??= new WatchOptions();
        options.Validate();
        return WatchedStream.ReadAsync(results, view.Client, total, options);
    }
}
