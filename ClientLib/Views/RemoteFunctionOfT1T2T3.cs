using Orleans.Parallel.Results;

namespace Orleans.Parallel.Views;

/// <summary>A function of 3 arguments whose calls run on a view; see <see cref="RemoteFunction{TValue}"/>.</summary>
/// <typeparam name="T1">The type of the function's first argument.</typeparam>
/// <typeparam name="T2">The type of the function's second argument.</typeparam>
/// <typeparam name="T3">The type of the function's third argument.</typeparam>
/// <typeparam name="TValue">What a call gives: the function's result, or the list of every engine's result on a <see cref="DirectView"/>.</typeparam>
public sealed class RemoteFunction<T1, T2, T3, TValue>
{
    private readonly Func<object?[], AsyncResult<TValue>> _call;
    private readonly Func<bool> _block;

    internal RemoteFunction(IParallelView view, Func<object?[], AsyncResult<TValue>> call, Func<bool> block) =>
        (View, _call, _block) = (view, call, block);

    /// <summary>The view the calls run on; its targets and flags are read at each call.</summary>
    public IParallelView View { get; }

    /// <summary>Calls the function on the view; the result at once. A function returning a task is awaited on the engine.</summary>
    /// <param name="a1">The first argument: a value, or a <see cref="Reference{T}"/> to a variable of the engine.</param>
    /// <param name="a2">The second argument: a value, or a <see cref="Reference{T}"/> to a variable of the engine.</param>
    /// <param name="a3">The third argument: a value, or a <see cref="Reference{T}"/> to a variable of the engine.</param>
    public AsyncResult<TValue> InvokeAsync(Arg<T1> a1, Arg<T2> a2, Arg<T3> a3) => _call([a1.Value, a2.Value, a3.Value]);

    /// <summary><see cref="InvokeAsync(Arg{T1}, Arg{T2}, Arg{T3})"/>, waiting for the result first when the view's <c>Block</c> flag is set.</summary>
    /// <param name="a1">The first argument: a value, or a <see cref="Reference{T}"/> to a variable of the engine.</param>
    /// <param name="a2">The second argument: a value, or a <see cref="Reference{T}"/> to a variable of the engine.</param>
    /// <param name="a3">The third argument: a value, or a <see cref="Reference{T}"/> to a variable of the engine.</param>
    public AsyncResult<TValue> Invoke(Arg<T1> a1, Arg<T2> a2, Arg<T3> a3)
    {
        var result = InvokeAsync(a1, a2, a3);
        if (_block()) result.Wait();
        return result;
    }

    /// <summary><see cref="InvokeAsync(Arg{T1}, Arg{T2}, Arg{T3})"/>, waiting for the value.</summary>
    /// <param name="a1">The first argument: a value, or a <see cref="Reference{T}"/> to a variable of the engine.</param>
    /// <param name="a2">The second argument: a value, or a <see cref="Reference{T}"/> to a variable of the engine.</param>
    /// <param name="a3">The third argument: a value, or a <see cref="Reference{T}"/> to a variable of the engine.</param>
    public TValue InvokeSync(Arg<T1> a1, Arg<T2> a2, Arg<T3> a3) => InvokeAsync(a1, a2, a3).Get();

    /// <inheritdoc />
    public override string ToString() => $"<RemoteFunction on {View}>";
}
