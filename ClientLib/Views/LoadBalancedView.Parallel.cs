namespace Orleans.Parallel.Views;

public sealed partial class LoadBalancedView
{
    /// <summary>
    /// Binds <paramref name="function"/> to this view as a function over sequences (ipyparallel's
    /// <c>@lview.parallel</c>): each <see cref="ParallelFunction{T, TResult}.MapAsync"/> cuts its items
    /// into chunks of about <paramref name="chunkSize"/>, one load-balanced task each, as
    /// <see cref="MapAsync{T, TResult}(Func{T, TResult}, IEnumerable{T}, int, bool)"/> does. The view's
    /// flags (dependencies, retries, timeout) are read at each call.
    /// </summary>
    /// <param name="function">The function applied to each item.</param>
    /// <param name="chunkSize">Items per task; at least 1.</param>
    /// <param name="ordered">Whether enumerating a call's result yields values in input order (true) or as their chunks end.</param>
    /// <exception cref="ArgumentNullException"><paramref name="function"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="chunkSize"/> is less than 1.</exception>
    public ParallelFunction<T, TResult> Parallel<T, TResult>(Func<T, TResult> function, int chunkSize = 1, bool ordered = true)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        return new(this, items => MapAsync(function, items, chunkSize, ordered), () => Block);
    }

    /// <inheritdoc cref="Parallel{T, TResult}(Func{T, TResult}, int, bool)"/>
    /// <remarks>The function may be async: its task is awaited on the engine.</remarks>
    public ParallelFunction<T, TResult> Parallel<T, TResult>(Func<T, Task<TResult>> function, int chunkSize = 1, bool ordered = true)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        return new(this, items => MapAsync(function, items, chunkSize, ordered), () => Block);
    }
}
