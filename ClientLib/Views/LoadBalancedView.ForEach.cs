namespace Orleans.Parallel.Views;

// ForEachAsync: Parallel.ForEachAsync's shape, with the body running on the engines. It is an IMap
// whose results are not wanted: the same bounded window, lazy reading and abort on the way out.
public sealed partial class LoadBalancedView
{
    /// <summary>
    /// Runs <paramref name="body"/> once for every item, each call a load-balanced task on the
    /// engines (<see cref="System.Threading.Tasks.Parallel.ForEachAsync{TSource}(IEnumerable{TSource}, CancellationToken, Func{TSource, CancellationToken, ValueTask})"/>'s
    /// shape). The body's token is its task's own: aborting the task cancels it. The items are read
    /// only as tasks finish, a bounded number of tasks in flight (8 per engine, at least 64), so a
    /// huge or endless source runs in bounded memory. The body must be shippable: whatever it
    /// captures travels with it, and what it changes there stays on the engine.
    /// </summary>
    /// <returns>
    /// A task that completes when every item's call has ended. The first call that fails ends it
    /// with that call's error (a <see cref="Errors.RemoteException"/>), and the tasks still in flight
    /// are aborted. Cancelling <paramref name="cancellationToken"/> stops reading the items, aborts
    /// what is in flight and ends it with <see cref="OperationCanceledException"/>.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="body"/> is null.</exception>
    public Task ForEachAsync<T>(IEnumerable<T> source, Func<T, CancellationToken, ValueTask> body, CancellationToken cancellationToken = default) =>
        ForEachCore(source, body, cancellationToken);

    /// <inheritdoc cref="ForEachAsync{T}(IEnumerable{T}, Func{T, CancellationToken, ValueTask}, CancellationToken)"/>
    public Task ForEachAsync<T>(IEnumerable<T> source, Func<T, Task> body, CancellationToken cancellationToken = default) =>
        ForEachCore(source, body, cancellationToken);

    /// <inheritdoc cref="ForEachAsync{T}(IEnumerable{T}, Func{T, CancellationToken, ValueTask}, CancellationToken)"/>
    public Task ForEachAsync<T>(IEnumerable<T> source, Action<T> body, CancellationToken cancellationToken = default) =>
        ForEachCore(source, body, cancellationToken);

    /// <inheritdoc cref="ForEachAsync{T}(IEnumerable{T}, Func{T, CancellationToken, ValueTask}, CancellationToken)"/>
    public Task ForEachAsync<T>(IAsyncEnumerable<T> source, Func<T, CancellationToken, ValueTask> body, CancellationToken cancellationToken = default) =>
        ForEachCore(source, body, cancellationToken);

    /// <inheritdoc cref="ForEachAsync{T}(IEnumerable{T}, Func{T, CancellationToken, ValueTask}, CancellationToken)"/>
    public Task ForEachAsync<T>(IAsyncEnumerable<T> source, Func<T, Task> body, CancellationToken cancellationToken = default) =>
        ForEachCore(source, body, cancellationToken);

    /// <inheritdoc cref="ForEachAsync{T}(IEnumerable{T}, Func{T, CancellationToken, ValueTask}, CancellationToken)"/>
    public Task ForEachAsync<T>(IAsyncEnumerable<T> source, Action<T> body, CancellationToken cancellationToken = default) =>
        ForEachCore(source, body, cancellationToken);

    private Task ForEachCore<T>(IEnumerable<T> source, Delegate body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(body);
        return Drain(LazySync<T, object?>(body, source, 1, ordered: false, maxOutstanding: null, itemErrors: false, _ => [], cancellationToken));
    }

    private Task ForEachCore<T>(IAsyncEnumerable<T> source, Delegate body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(body);
        return Drain(LazyAsync<T, object?>(body, source, 1, ordered: false, maxOutstanding: null, itemErrors: false, _ => [], cancellationToken));
    }

    private static async Task Drain(IAsyncEnumerable<object?> calls)
    {
        await foreach (var _ in calls.ConfigureAwait(false))
        {
        }
    }
}
