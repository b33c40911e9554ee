namespace Orleans.Parallel.Views;

public sealed partial class LoadBalancedView
{
    /// <summary>
    /// Binds <paramref name="function"/> to this view as a function whose calls run here (ipyparallel's
    /// <c>@lview.remote</c>): each <c>InvokeAsync(...)</c> applies it on the engine the scheduler picks,
    /// as <see cref="ApplyAsync{TResult}(Func{TResult})"/> does, and gives its one result. The view's
    /// flags (dependencies, retries, timeout) are read at each call.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="function"/> is null.</exception>
    public RemoteFunction<TResult> Remote<TResult>(Func<TResult> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return new(this, args => ApplyCore<TResult>(function, args), () => Block);
    }

    /// <inheritdoc cref="Remote{TResult}(Func{TResult})"/>
    /// <remarks>The function is async: its task is awaited on the engine.</remarks>
    public RemoteFunction<TResult> Remote<TResult>(Func<Task<TResult>> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return new(this, args => ApplyCore<TResult>(function, args), () => Block);
    }

    /// <inheritdoc cref="Remote{TResult}(Func{TResult})"/>
    public RemoteFunction<T1, TResult> Remote<T1, TResult>(Func<T1, TResult> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return new(this, args => ApplyCore<TResult>(function, args), () => Block);
    }

    /// <inheritdoc cref="Remote{TResult}(Func{TResult})"/>
    /// <remarks>The function is async: its task is awaited on the engine.</remarks>
    public RemoteFunction<T1, TResult> Remote<T1, TResult>(Func<T1, Task<TResult>> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return new(this, args => ApplyCore<TResult>(function, args), () => Block);
    }

    /// <inheritdoc cref="Remote{TResult}(Func{TResult})"/>
    public RemoteFunction<T1, T2, TResult> Remote<T1, T2, TResult>(Func<T1, T2, TResult> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return new(this, args => ApplyCore<TResult>(function, args), () => Block);
    }

    /// <inheritdoc cref="Remote{TResult}(Func{TResult})"/>
    /// <remarks>The function is async: its task is awaited on the engine.</remarks>
    public RemoteFunction<T1, T2, TResult> Remote<T1, T2, TResult>(Func<T1, T2, Task<TResult>> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return new(this, args => ApplyCore<TResult>(function, args), () => Block);
    }

    /// <inheritdoc cref="Remote{TResult}(Func{TResult})"/>
    public RemoteFunction<T1, T2, T3, TResult> Remote<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return new(this, args => ApplyCore<TResult>(function, args), () => Block);
    }

    /// <inheritdoc cref="Remote{TResult}(Func{TResult})"/>
    /// <remarks>The function is async: its task is awaited on the engine.</remarks>
    public RemoteFunction<T1, T2, T3, TResult> Remote<T1, T2, T3, TResult>(Func<T1, T2, T3, Task<TResult>> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return new(this, args => ApplyCore<TResult>(function, args), () => Block);
    }
}
