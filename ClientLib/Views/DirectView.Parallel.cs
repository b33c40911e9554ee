namespace Orleans.Parallel.Views;

public sealed partial class DirectView
{
    /// <summary>
    /// Binds <paramref name="function"/> to this view as a function over sequences (ipyparallel's
    /// <c>@view.parallel</c>): each <see cref="ParallelFunction{T, TResult}.MapAsync"/> cuts its items
    /// into one contiguous block per target engine, as <see cref="MapAsync{T, TResult}(Func{T, TResult}, IEnumerable{T})"/>
    /// does, and gives the results in input order. Targets are read at each call.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="function"/> is null.</exception>
    public ParallelFunction<T, TResult> Parallel<T, TResult>(Func<T, TResult> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return new(this, items => MapAsync(function, items), () => Block);
    }

    /// <inheritdoc cref="Parallel{T, TResult}(Func{T, TResult})"/>
    /// <remarks>The function may be async: its task is awaited on the engine.</remarks>
    public ParallelFunction<T, TResult> Parallel<T, TResult>(Func<T, Task<TResult>> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return new(this, items => MapAsync(function, items), () => Block);
    }
}
