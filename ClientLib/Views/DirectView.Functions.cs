using Orleans.Parallel.Results;

namespace Orleans.Parallel.Views;

public sealed partial class DirectView
{
    /// <summary>Calls <paramref name="function"/> on every engine with the arguments (values, or <see cref="Reference{T}"/>s to engine variables); one result per engine, in target order. A function returning a task is awaited on the engine.</summary>
    public AsyncMapResult<TResult> ApplyAsync<TResult>(Func<TResult> function) => ApplyCore<TResult>(function);

    /// <inheritdoc cref="ApplyAsync{TResult}(Func{TResult})"/>
    public AsyncMapResult<TResult> Apply<TResult>(Func<TResult> function) => Blocking(ApplyAsync(function));

    /// <inheritdoc cref="ApplyAsync{TResult}(Func{TResult})"/>
    public IReadOnlyList<TResult> ApplySync<TResult>(Func<TResult> function) => ApplyAsync(function).Get();

    /// <inheritdoc cref="ApplyAsync{TResult}(Func{TResult})"/>
    public AsyncMapResult<TResult> ApplyAsync<T1, TResult>(Func<T1, TResult> function, Arg<T1> a1) => ApplyCore<TResult>(function, a1.Value);

    /// <inheritdoc cref="ApplyAsync{TResult}(Func{TResult})"/>
    public AsyncMapResult<TResult> Apply<T1, TResult>(Func<T1, TResult> function, Arg<T1> a1) => Blocking(ApplyAsync(function, a1));

    /// <inheritdoc cref="ApplyAsync{TResult}(Func{TResult})"/>
    public IReadOnlyList<TResult> ApplySync<T1, TResult>(Func<T1, TResult> function, Arg<T1> a1) => ApplyAsync(function, a1).Get();

    /// <inheritdoc cref="ApplyAsync{TResult}(Func{TResult})"/>
    public AsyncMapResult<TResult> ApplyAsync<T1, T2, TResult>(Func<T1, T2, TResult> function, Arg<T1> a1, Arg<T2> a2) => ApplyCore<TResult>(function, a1.Value, a2.Value);

    /// <inheritdoc cref="ApplyAsync{TResult}(Func{TResult})"/>
    public AsyncMapResult<TResult> Apply<T1, T2, TResult>(Func<T1, T2, TResult> function, Arg<T1> a1, Arg<T2> a2) => Blocking(ApplyAsync(function, a1, a2));

    /// <inheritdoc cref="ApplyAsync{TResult}(Func{TResult})"/>
    public IReadOnlyList<TResult> ApplySync<T1, T2, TResult>(Func<T1, T2, TResult> function, Arg<T1> a1, Arg<T2> a2) => ApplyAsync(function, a1, a2).Get();

    /// <inheritdoc cref="ApplyAsync{TResult}(Func{TResult})"/>
    public AsyncMapResult<TResult> ApplyAsync<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> function, Arg<T1> a1, Arg<T2> a2, Arg<T3> a3) => ApplyCore<TResult>(function, a1.Value, a2.Value, a3.Value);

    /// <inheritdoc cref="ApplyAsync{TResult}(Func{TResult})"/>
    public AsyncMapResult<TResult> Apply<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> function, Arg<T1> a1, Arg<T2> a2, Arg<T3> a3) => Blocking(ApplyAsync(function, a1, a2, a3));

    /// <inheritdoc cref="ApplyAsync{TResult}(Func{TResult})"/>
    public IReadOnlyList<TResult> ApplySync<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> function, Arg<T1> a1, Arg<T2> a2, Arg<T3> a3) => ApplyAsync(function, a1, a2, a3).Get();

    /// <inheritdoc cref="ApplyAsync{TResult}(Func{TResult})"/>
    public AsyncMapResult<TResult> ApplyAsync<TResult>(Func<Task<TResult>> function) => ApplyCore<TResult>(function);

    /// <inheritdoc cref="ApplyAsync{TResult}(Func{TResult})"/>
    public AsyncMapResult<TResult> Apply<TResult>(Func<Task<TResult>> function) => Blocking(ApplyAsync(function));

    /// <inheritdoc cref="ApplyAsync{TResult}(Func{TResult})"/>
    public IReadOnlyList<TResult> ApplySync<TResult>(Func<Task<TResult>> function) => ApplyAsync(function).Get();

    /// <inheritdoc cref="ApplyAsync{TResult}(Func{TResult})"/>
    public AsyncMapResult<TResult> ApplyAsync<T1, TResult>(Func<T1, Task<TResult>> function, Arg<T1> a1) => ApplyCore<TResult>(function, a1.Value);

    /// <inheritdoc cref="ApplyAsync{TResult}(Func{TResult})"/>
    public AsyncMapResult<TResult> Apply<T1, TResult>(Func<T1, Task<TResult>> function, Arg<T1> a1) => Blocking(ApplyAsync(function, a1));

    /// <inheritdoc cref="ApplyAsync{TResult}(Func{TResult})"/>
    public IReadOnlyList<TResult> ApplySync<T1, TResult>(Func<T1, Task<TResult>> function, Arg<T1> a1) => ApplyAsync(function, a1).Get();

    /// <inheritdoc cref="ApplyAsync{TResult}(Func{TResult})"/>
    public AsyncMapResult<TResult> ApplyAsync<T1, T2, TResult>(Func<T1, T2, Task<TResult>> function, Arg<T1> a1, Arg<T2> a2) => ApplyCore<TResult>(function, a1.Value, a2.Value);

    /// <inheritdoc cref="ApplyAsync{TResult}(Func{TResult})"/>
    public AsyncMapResult<TResult> Apply<T1, T2, TResult>(Func<T1, T2, Task<TResult>> function, Arg<T1> a1, Arg<T2> a2) => Blocking(ApplyAsync(function, a1, a2));

    /// <inheritdoc cref="ApplyAsync{TResult}(Func{TResult})"/>
    public IReadOnlyList<TResult> ApplySync<T1, T2, TResult>(Func<T1, T2, Task<TResult>> function, Arg<T1> a1, Arg<T2> a2) => ApplyAsync(function, a1, a2).Get();

    /// <inheritdoc cref="ApplyAsync{TResult}(Func{TResult})"/>
    public AsyncMapResult<TResult> ApplyAsync<T1, T2, T3, TResult>(Func<T1, T2, T3, Task<TResult>> function, Arg<T1> a1, Arg<T2> a2, Arg<T3> a3) => ApplyCore<TResult>(function, a1.Value, a2.Value, a3.Value);

    /// <inheritdoc cref="ApplyAsync{TResult}(Func{TResult})"/>
    public AsyncMapResult<TResult> Apply<T1, T2, T3, TResult>(Func<T1, T2, T3, Task<TResult>> function, Arg<T1> a1, Arg<T2> a2, Arg<T3> a3) => Blocking(ApplyAsync(function, a1, a2, a3));

    /// <inheritdoc cref="ApplyAsync{TResult}(Func{TResult})"/>
    public IReadOnlyList<TResult> ApplySync<T1, T2, T3, TResult>(Func<T1, T2, T3, Task<TResult>> function, Arg<T1> a1, Arg<T2> a2, Arg<T3> a3) => ApplyAsync(function, a1, a2, a3).Get();

    /// <summary>Calls an async function that returns no value; completes when every engine has awaited it.</summary>
    public AsyncResult ApplyAsync(Func<Task> function) => Plain(_ops.Apply(TargetIds, function, []));

    /// <inheritdoc cref="ApplyAsync(Func{Task})"/>
    public AsyncResult Apply(Func<Task> function) => Blocking(ApplyAsync(function));

    /// <inheritdoc cref="ApplyAsync(Func{Task})"/>
    public void ApplySync(Func<Task> function) => ApplyAsync(function).Get();

    /// <summary>Calls any delegate with arguments (values or <see cref="Reference{T}"/>s); results untyped.</summary>
    public AsyncMapResult<object?> ApplyAsync(Delegate function, params object?[] args) => ApplyCore<object?>(function, args);

    /// <inheritdoc cref="ApplyAsync(Delegate, object?[])"/>
    public AsyncMapResult<object?> Apply(Delegate function, params object?[] args) => Blocking(ApplyAsync(function, args));

    /// <inheritdoc cref="ApplyAsync(Delegate, object?[])"/>
    public IReadOnlyList<object?> ApplySync(Delegate function, params object?[] args) => ApplyAsync(function, args).Get();

    /// <summary>
    /// Every map's core (the overloads are in DirectView.MapOverloads.cs): the items are cut into one
    /// contiguous block per engine (engines with an empty block get no task), and the results come
    /// back in input order.
    /// </summary>
    private AsyncMapResult<TResult> Mapped<TResult>(Delegate function, MapInput input)
    {
        ArgumentNullException.ThrowIfNull(function);
        return new AsyncMapResult<TResult>(Client, _ops.Map(TargetIds, function, input, itemErrors: false), ValueCast.Elements<TResult>);
    }

    /// <summary>A map whose failed items stay in place as <see cref="MapItem{T}"/>s.</summary>
    private AsyncMapResult<MapItem<TResult>> MappedItems<TResult>(Delegate function, MapInput input)
    {
        ArgumentNullException.ThrowIfNull(function);
        return new AsyncMapResult<MapItem<TResult>>(Client, _ops.Map(TargetIds, function, input, itemErrors: true), MapItemReader.Of<TResult>, ordered: true, errorsInPlace: true);
    }

    private AsyncMapResult<TResult> ApplyCore<TResult>(Delegate function, params object?[] args) =>
        Values<TResult>(_ops.Apply(TargetIds, function, args ?? [null]));
}
