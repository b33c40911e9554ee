using Orleans.Parallel.Views;

namespace Orleans.Parallel.Linq;

/// <summary>Starts LINQ queries that run on a cluster (as <c>AsParallel</c> starts PLINQ's).</summary>
public static class ClusterEnumerable
{
    /// <summary>
    /// A query over <paramref name="source"/> whose operators (<see cref="ClusterQuery{T}.Select{TResult}(Func{T, TResult})"/>,
    /// <see cref="ClusterQuery{T}.Where(Func{T, bool})"/>) run on the engines of <paramref name="view"/>. Lazy: the source is
    /// not read and nothing is sent until the query is enumerated.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="view"/> is null.</exception>
    public static ClusterQuery<T> AsParallelOn<T>(this IEnumerable<T> source, LoadBalancedView view)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(view);
        return new ClusterQuery<T>(view, ClusterQueryOptions.Default, (_, _) => source.ToAsyncEnumerable());
    }

    /// <inheritdoc cref="AsParallelOn{T}(IEnumerable{T}, LoadBalancedView)"/>
    public static ClusterQuery<T> AsParallelOn<T>(this IAsyncEnumerable<T> source, LoadBalancedView view)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(view);
        return new ClusterQuery<T>(view, ClusterQueryOptions.Default, (_, _) => source);
    }
}
