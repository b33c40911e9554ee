using Orleans.Parallel.Results;

namespace Orleans.Parallel.Views;

public sealed partial class DirectView
{
    /// <summary>Calls <paramref name="function"/> on every engine; one result per engine, in target order.</summary>
    public AsyncMapResult<TResult> ApplyAsync<TResult>(Func<TResult> function) => Apply<TResult>(function);

    /// <inheritdoc cref="ApplyAsync{TResult}(Func{TResult})"/>
    public AsyncMapResult<TResult> ApplyAsync<T1, TResult>(Func<T1, TResult> function, Arg<T1> a1) => Apply<TResult>(function, a1.Value);

    /// <inheritdoc cref="ApplyAsync{TResult}(Func{TResult})"/>
    public AsyncMapResult<TResult> ApplyAsync<T1, T2, TResult>(Func<T1, T2, TResult> function, Arg<T1> a1, Arg<T2> a2) =>
        Apply<TResult>(function, a1.Value, a2.Value);

    /// <inheritdoc cref="ApplyAsync{TResult}(Func{TResult})"/>
    public AsyncMapResult<TResult> ApplyAsync<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> function, Arg<T1> a1, Arg<T2> a2, Arg<T3> a3) =>
        Apply<TResult>(function, a1.Value, a2.Value, a3.Value);

    /// <summary>Calls any delegate with arguments (values or <see cref="Reference{T}"/>s) on every engine.</summary>
    public AsyncMapResult<object?> ApplyAsync(Delegate function, params object?[] args) => Apply<object?>(function, args);

    /// <inheritdoc cref="ApplyAsync{TResult}(Func{TResult})"/>
    public AsyncMapResult<TResult> Apply<TResult>(Func<TResult> function) => Blocking(ApplyAsync(function));

    /// <inheritdoc cref="ApplyAsync{TResult}(Func{TResult})"/>
    public AsyncMapResult<TResult> Apply<T1, TResult>(Func<T1, TResult> function, Arg<T1> a1) => Blocking(ApplyAsync(function, a1));

    /// <inheritdoc cref="ApplyAsync{TResult}(Func{TResult})"/>
    public AsyncMapResult<TResult> Apply<T1, T2, TResult>(Func<T1, T2, TResult> function, Arg<T1> a1, Arg<T2> a2) =>
        Blocking(ApplyAsync(function, a1, a2));

    /// <inheritdoc cref="ApplyAsync{TResult}(Func{TResult})"/>
    public IReadOnlyList<TResult> ApplySync<TResult>(Func<TResult> function) => ApplyAsync(function).Get();

    /// <inheritdoc cref="ApplyAsync{TResult}(Func{TResult})"/>
    public IReadOnlyList<TResult> ApplySync<T1, TResult>(Func<T1, TResult> function, Arg<T1> a1) => ApplyAsync(function, a1).Get();

    /// <inheritdoc cref="ApplyAsync{TResult}(Func{TResult})"/>
    public IReadOnlyList<TResult> ApplySync<T1, T2, TResult>(Func<T1, T2, TResult> function, Arg<T1> a1, Arg<T2> a2) =>
        ApplyAsync(function, a1, a2).Get();

    /// <summary>
    /// Applies <paramref name="function"/> to every item: the items are cut into one contiguous block per
    /// engine (engines with an empty block get no task) and the results come back in input order.
    /// </summary>
    public AsyncMapResult<TResult> MapAsync<T, TResult>(Func<T, TResult> function, IEnumerable<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var list = items as IReadOnlyList<T> ?? items.ToArray();
        var messages = list.Count == 0 ? [] : _ops.Map(TargetIds, function, list, out _);
        return new AsyncMapResult<TResult>(Client, messages, ValueCast.Elements<TResult>);
    }

    /// <inheritdoc cref="MapAsync{T, TResult}"/>
    public AsyncMapResult<TResult> Map<T, TResult>(Func<T, TResult> function, IEnumerable<T> items) => Blocking(MapAsync(function, items));

    /// <inheritdoc cref="MapAsync{T, TResult}"/>
    public IReadOnlyList<TResult> MapSync<T, TResult>(Func<T, TResult> function, IEnumerable<T> items) => MapAsync(function, items).Get();

    private AsyncMapResult<TResult> Apply<TResult>(Delegate function, params object?[] args) =>
        Values<TResult>(_ops.Apply(TargetIds, function, args ?? [null]));
}
