using Orleans.Parallel.Results;
using Orleans.Parallel.Views;

namespace Orleans.Parallel.Executors;

/// <summary>
/// A task executor over a load-balanced view, for code written against that shape (Python's
/// <c>concurrent.futures.Executor</c>, ipyparallel's <c>view.executor</c>): <c>SubmitAsync</c> one
/// call, <c>MapAsync</c> a function over items, then dispose. Made by <see cref="ParallelClient.Executor()"/>
/// or <see cref="LoadBalancedView.Executor"/>.
/// <code>
/// await using var executor = rc.Executor();
/// var answer = executor.SubmitAsync(() => 6 * 7);
/// var squares = executor.MapAsync((int x) => x * x, Enumerable.Range(0, 100));
/// Console.WriteLine(await answer + (await squares).Sum());
/// </code>
/// Disposing waits for everything submitted to end (Python's <c>shutdown(wait=True)</c>);
/// <see cref="ShutdownAsync"/> with <c>cancelPending</c> aborts it instead. Either way the
/// executor takes no more work. Failures stay in their results: the executor's own waits never
/// raise them.
/// </summary>
public sealed class ClusterExecutor : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly HashSet<AsyncResult> _pending = new(ReferenceEqualityComparer.Instance);
    private bool _shutDown;

    internal ClusterExecutor(LoadBalancedView view) => View = view;

    /// <summary>The view the executor's tasks go through; its flags (dependencies, retries, timeout) apply to them.</summary>
    public LoadBalancedView View { get; }

    /// <summary>How many of the executor's results have not ended yet.</summary>
    public int PendingCount
    {
        get
        {
            lock (_gate) return _pending.Count;
        }
    }

    /// <summary>Whether <see cref="ShutdownAsync"/> (or disposal) has begun: no more work is taken.</summary>
    public bool IsShutDown
    {
        get
        {
            lock (_gate) return _shutDown;
        }
    }

    /// <summary>
    /// Submits one call of <paramref name="function"/>, run on whichever engine the scheduler picks;
    /// the result at once. Cancelling <paramref name="cancellationToken"/> aborts the task, which then
    /// ends with <see cref="Errors.TaskAbortedException"/>.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="function"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The executor has been shut down.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled already; nothing is sent.</exception>
    public AsyncResult<TResult> SubmitAsync<TResult>(Func<TResult> function, CancellationToken cancellationToken = default) =>
        Submit(function, () => View.ApplyAsync(function), cancellationToken);

    /// <inheritdoc cref="SubmitAsync{TResult}(Func{TResult}, CancellationToken)"/>
    public AsyncResult<TResult> SubmitAsync<TResult>(Func<Task<TResult>> function, CancellationToken cancellationToken = default) =>
        Submit(function, () => View.ApplyAsync(function), cancellationToken);

    /// <inheritdoc cref="SubmitAsync{TResult}(Func{TResult}, CancellationToken)"/>
    public AsyncResult SubmitAsync(Func<Task> function, CancellationToken cancellationToken = default) =>
        Submit(function, () => View.ApplyAsync(function), cancellationToken);

    /// <inheritdoc cref="SubmitAsync{TResult}(Func{TResult}, CancellationToken)"/>
    public AsyncResult SubmitAsync(Action function, CancellationToken cancellationToken = default) =>
        Submit(function, () => View.ApplyAsync(function, []), cancellationToken);

    /// <summary>Submits one call of <paramref name="function"/> with an argument (a value, or a <see cref="Reference{T}"/> to a variable of the engine that runs it).</summary>
    /// <inheritdoc cref="SubmitAsync{TResult}(Func{TResult}, CancellationToken)"/>
    public AsyncResult<TResult> SubmitAsync<T1, TResult>(Func<T1, TResult> function, Arg<T1> a1, CancellationToken cancellationToken = default) =>
        Submit(function, () => View.ApplyAsync(function, a1), cancellationToken);

    /// <summary>Submits one call of <paramref name="function"/> with two arguments (values, or <see cref="Reference{T}"/>s to variables of the engine that runs it).</summary>
    /// <inheritdoc cref="SubmitAsync{TResult}(Func{TResult}, CancellationToken)"/>
    public AsyncResult<TResult> SubmitAsync<T1, T2, TResult>(Func<T1, T2, TResult> function, Arg<T1> a1, Arg<T2> a2, CancellationToken cancellationToken = default) =>
        Submit(function, () => View.ApplyAsync(function, a1, a2), cancellationToken);

    /// <summary>
    /// Maps <paramref name="function"/> over <paramref name="items"/> in load-balanced chunks of
    /// <paramref name="chunkSize"/> (Python's <c>executor.map</c>); the result at once, awaitable for
    /// the list, or enumerable as values arrive, in input order. Cancelling
    /// <paramref name="cancellationToken"/> aborts the chunks not yet done.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="function"/> or <paramref name="items"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="chunkSize"/> is less than 1.</exception>
    /// <exception cref="ObjectDisposedException">The executor has been shut down.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled already; nothing is sent.</exception>
    public AsyncMapResult<TResult> MapAsync<T, TResult>(Func<T, TResult> function, IEnumerable<T> items, int chunkSize = 1, CancellationToken cancellationToken = default) =>
        Submit(function, () => View.MapAsync(function, items ?? throw new ArgumentNullException(nameof(items)), chunkSize), cancellationToken);

    /// <inheritdoc cref="MapAsync{T, TResult}(Func{T, TResult}, IEnumerable{T}, int, CancellationToken)"/>
    public AsyncMapResult<TResult> MapAsync<T, TResult>(Func<T, Task<TResult>> function, IEnumerable<T> items, int chunkSize = 1, CancellationToken cancellationToken = default) =>
        Submit(function, () => View.MapAsync(function, items ?? throw new ArgumentNullException(nameof(items)), chunkSize), cancellationToken);

    /// <summary>
    /// Takes no more work, then waits until everything submitted has ended. With
    /// <paramref name="cancelPending"/>, aborts it first (queued tasks end as aborted; running ones
    /// have their token cancelled). Cancelling <paramref name="cancellationToken"/> stops the wait,
    /// not the work. Calling it again waits again.
    /// </summary>
    public async Task ShutdownAsync(bool cancelPending = false, CancellationToken cancellationToken = default)
    {
        AsyncResult[] pending;
        lock (_gate)
        {
            _shutDown = true;
            pending = [.. _pending];
        }
        if (pending.Length == 0) return;
        if (cancelPending) await View.Client.AbortAsync(pending, cancellationToken: cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(pending.Select(r => r.WaitAsync(null, cancellationToken))).ConfigureAwait(false);
    }

    /// <summary>Shuts down, waiting for everything submitted to end (<see cref="ShutdownAsync"/> without cancelling).</summary>
    public ValueTask DisposeAsync() => new(ShutdownAsync());

    /// <inheritdoc />
    public override string ToString() => $"<ClusterExecutor on {View}, {PendingCount} pending{(IsShutDown ? ", shut down" : "")}>";

    private TResult Submit<TResult>(Delegate function, Func<TResult> send, CancellationToken cancellationToken) where TResult : AsyncResult
    {
        ArgumentNullException.ThrowIfNull(function);
        TResult result;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_shutDown, this);
            cancellationToken.ThrowIfCancellationRequested();
            result = send();
            _pending.Add(result);
        }
        var abort = cancellationToken.CanBeCanceled
            ? cancellationToken.Register(() => _ = result.AbortAsync(TimeSpan.Zero))
            : default;
        _ = result.WaitAsync().ContinueWith(_ =>
        {
            abort.Dispose();
            lock (_gate) _pending.Remove(result);
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return result;
    }
}
