using Orleans.Parallel.Results;

namespace Orleans.Parallel.Views;

/// <summary>
/// A function whose calls run on a view (ipyparallel's <c>@view.remote</c>), made by
/// <c>view.Remote(f)</c>: each call applies the function there with its arguments. On a
/// <see cref="DirectView"/> every target engine runs it and <typeparamref name="TValue"/> is the list of
/// their results, in target order; on a <see cref="LoadBalancedView"/> one engine runs it and
/// <typeparamref name="TValue"/> is its result.
/// <code>
/// var add = rc.LoadBalancedView().Remote((int a, int b) =&gt; a + b);
/// int sum = await add.InvokeAsync(2, 3);
/// </code>
/// </summary>
/// <typeparam name="TValue">What a call gives: the function's result, or the list of every engine's result on a <see cref="DirectView"/>.</typeparam>
public sealed class RemoteFunction<TValue>
{
    private readonly Func<object?[], AsyncResult<TValue>> _call;
    private readonly Func<bool> _block;

    internal RemoteFunction(IParallelView view, Func<object?[], AsyncResult<TValue>> call, Func<bool> block) =>
        (View, _call, _block) = (view, call, block);

    /// <summary>The view the calls run on; its targets and flags are read at each call.</summary>
    public IParallelView View { get; }

    /// <summary>Calls the function on the view; the result at once. A function returning a task is awaited on the engine.</summary>
    public AsyncResult<TValue> InvokeAsync() => _call([]);

    /// <summary><see cref="InvokeAsync"/>, waiting for the result first when the view's <c>Block</c> flag is set.</summary>
    public AsyncResult<TValue> Invoke()
    {
        var result = InvokeAsync();
        if (_block()) result.Wait();
        return result;
    }

    /// <summary><see cref="InvokeAsync"/>, waiting for the value.</summary>
    public TValue InvokeSync() => InvokeAsync().Get();

    /// <inheritdoc />
    public override string ToString() => $"<RemoteFunction on {View}>";
}
