namespace Orleans.Parallel.Views;

public sealed partial class DirectView
{
    /// <summary>
    /// Binds <paramref name="function"/> to this view as a function whose calls run here (ipyparallel's
    /// <c>@view.remote</c>): each <c>InvokeAsync(...)</c> applies it on every target engine, as
    /// <see cref="ApplyAsync{TResult}(Func{TResult})"/> does, and gives one result per engine, in target
    /// order. Targets and flags are read at each call.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="function"/> is null.</exception>
    public RemoteFunction<IReadOnlyList<TResult>> Remote<TResult>(Func<TResult> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return new(this, args => ApplyCore<TResult>(function, args), () => Block);
    }

    /// <inheritdoc cref="Remote{TResult}(Func{TResult})"/>
    /// <remarks>The function is async: its task is awaited on the engine.</remarks>
    public RemoteFunction<IReadOnlyList<TResult>> Remote<TResult>(Func<Task<TResult>> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return new(this, args => ApplyCore<TResult>(function, args), () => Block);
    }

    /// <inheritdoc cref="Remote{TResult}(Func{TResult})"/>
    public RemoteFunction<T1, IReadOnlyList<TResult>> Remote<T1, TResult>(Func<T1, TResult> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return new(this, args => ApplyCore<TResult>(function, args), () => Block);
    }

    /// <inheritdoc cref="Remote{TResult}(Func{TResult})"/>
    /// <remarks>The function is async: its task is awaited on the engine.</remarks>
    public RemoteFunction<T1, IReadOnlyList<TResult>> Remote<T1, TResult>(Func<T1, Task<TResult>> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return new(this, args => ApplyCore<TResult>(function, args), () => Block);
    }

    /// <inheritdoc cref="Remote{TResult}(Func{TResult})"/>
    public RemoteFunction<T1, T2, IReadOnlyList<TResult>> Remote<T1, T2, TResult>(Func<T1, T2, TResult> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return new(this, args => ApplyCore<TResult>(function, args), () => Block);
    }

    /// <inheritdoc cref="Remote{TResult}(Func{TResult})"/>
    /// <remarks>The function is async: its task is awaited on the engine.</remarks>
    public RemoteFunction<T1, T2, IReadOnlyList<TResult>> Remote<T1, T2, TResult>(Func<T1, T2, Task<TResult>> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return new(this, args => ApplyCore<TResult>(function, args), () => Block);
    }

    /// <inheritdoc cref="Remote{TResult}(Func{TResult})"/>
    public RemoteFunction<T1, T2, T3, IReadOnlyList<TResult>> Remote<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return new(this, args => ApplyCore<TResult>(function, args), () => Block);
    }

    /// <inheritdoc cref="Remote{TResult}(Func{TResult})"/>
    /// <remarks>The function is async: its task is awaited on the engine.</remarks>
    public RemoteFunction<T1, T2, T3, IReadOnlyList<TResult>> Remote<T1, T2, T3, TResult>(Func<T1, T2, T3, Task<TResult>> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return new(this, args => ApplyCore<TResult>(function, args), () => Block);
    }
}
