using Orleans.Parallel.Results;

namespace Orleans.Parallel.Views;

/// <summary>What every view is: a way into one client's cluster (<see cref="DirectView"/>, <see cref="EngineView"/>, <see cref="LoadBalancedView"/>).</summary>
public interface IParallelView
{
    /// <summary>The client this view belongs to.</summary>
    ParallelClient Client { get; }
}

/// <summary>Chosen tasks from any view (ipyparallel's <c>view.abort(jobs)</c> and <c>view.wait(jobs)</c>): the client does the work.</summary>
public static class ParallelViewTasks
{
    /// <summary>Aborts chosen tasks by their results, as <see cref="ParallelClient.AbortAsync(IEnumerable{AsyncResult}, TimeSpan?, CancellationToken)"/> does.</summary>
    public static Task<AbortOutcome> AbortAsync(this IParallelView view, IEnumerable<AsyncResult> results, TimeSpan? grace = null, CancellationToken cancellationToken = default) =>
        (view ?? throw new ArgumentNullException(nameof(view))).Client.AbortAsync(results, grace, cancellationToken);

    /// <summary>Aborts chosen tasks by their msg ids, this client's or another's, as <see cref="ParallelClient.AbortAsync(IEnumerable{Guid}, TimeSpan?, CancellationToken)"/> does.</summary>
    public static Task<AbortOutcome> AbortAsync(this IParallelView view, IEnumerable<Guid> msgIds, TimeSpan? grace = null, CancellationToken cancellationToken = default) =>
        (view ?? throw new ArgumentNullException(nameof(view))).Client.AbortAsync(msgIds, grace, cancellationToken);

    /// <summary>Waits until the tasks of these results have ended; false if some still run at the timeout (null waits for ever).</summary>
    public static Task<bool> WaitAsync(this IParallelView view, IEnumerable<AsyncResult> results, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        (view ?? throw new ArgumentNullException(nameof(view))).Client.WaitAsync(results, timeout, cancellationToken);
}
