using Orleans.Parallel.Results;
using Orleans.Parallel.Scheduling;

namespace Orleans.Parallel.Views;

/// <summary>
/// A view that farms tasks out (ipyparallel's <c>LoadBalancedView</c>): each task runs on whichever
/// engine the scheduler picks by its scheme, so results are single values. Flags shape every task
/// the view sends: <see cref="After"/> and <see cref="Follow"/> dependencies, <see cref="Retries"/>,
/// <see cref="Timeout"/>, <see cref="Require"/>; set them for one call with <see cref="With"/>.
/// Each operation comes as a triad: <c>XxxAsync</c> returns an <see cref="AsyncResult"/> at once,
/// <c>Xxx</c> returns it after waiting when <see cref="Block"/> is set, <c>XxxSync</c> waits and
/// returns the value.
/// </summary>
public sealed partial class LoadBalancedView : IParallelView
{
    private readonly BalancedOperations _ops;
    private int _retries;
    private TimeSpan? _timeout;

    internal LoadBalancedView(ParallelClient client, IReadOnlyList<int>? targets) => (_ops, Targets) = (new BalancedOperations(client), targets);

    /// <summary>The client this view belongs to.</summary>
    public ParallelClient Client => _ops.Client;

    /// <summary>The engines tasks may run on; null for every engine (as they are when each task is scheduled).</summary>
    public IReadOnlyList<int>? Targets { get; }

    /// <summary>
    /// A label the tasks of this view carry into their records (ipyparallel's task metadata), to find
    /// them again with <see cref="ParallelClient.DbQueryAsync(Hub.TaskQuery, IEnumerable{Hub.TaskField}?, CancellationToken)"/>. Default none.
    /// </summary>
    public string? Label { get; set; }

    /// <summary>Whether the plain (<c>Xxx</c>) forms wait for their result before returning it. Default false.</summary>
    public bool Block { get; set; }

    /// <summary>Whether results record when the memory of the values they sent is no longer read (<see cref="AsyncResult.Sent"/>). Default false.</summary>
    public bool Track { get; set; }

    /// <summary>Tasks run only once these tasks are done (time dependency). Default none.</summary>
    public Dependency? After { get; set; }

    /// <summary>Tasks run only on the engine where these tasks ran (location dependency); they wait for them too. Default none.</summary>
    public Dependency? Follow { get; set; }

    /// <summary>What an engine must have to take the tasks; engines without it are skipped. Default none.</summary>
    public Requirement? Require { get; set; }

    /// <summary>How many times a failed task is re-run, each time on an engine where it has not failed yet. Default 0.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    public int Retries
    {
        get => _retries;
        set => _retries = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(Retries), value, "Retries cannot be negative.");
    }

    /// <summary>
    /// How long a task may wait (for its dependencies, then for an engine) before it ends with
    /// <see cref="Errors.TaskTimeoutException"/>; a task that has started is never cut off. Null (default): for ever.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not positive.</exception>
    public TimeSpan? Timeout
    {
        get => _timeout;
        set => _timeout = value is null || value > TimeSpan.Zero ? value
            : throw new ArgumentOutOfRangeException(nameof(Timeout), value, "A timeout must be positive; use null to wait for ever.");
    }

    /// <summary>
    /// A copy of this view with other flags, for one call or a few: <c>lb.With(after: ar, retries: 2).Apply(...)</c>.
    /// Pass <see cref="Dependency.None"/> to clear a dependency.
    /// </summary>
    public LoadBalancedView With(bool? block = null, bool? track = null, IEnumerable<int>? targets = null,
        Dependency? after = null, Dependency? follow = null, int? retries = null, TimeSpan? timeout = null, Requirement? require = null,
        string? label = null) =>
        new(Client, targets is null ? Targets : Client.LoadBalancedView(targets).Targets)
        {
            Block = block ?? Block,
            Track = track ?? Track,
            After = Clear(after ?? After),
            Follow = Clear(follow ?? Follow),
            Retries = retries ?? Retries,
            Timeout = timeout ?? Timeout,
            Require = require ?? Require,
            Label = label ?? Label,
        };

    private static Dependency? Clear(Dependency? dependency) => dependency == Dependency.None ? null : dependency;

    internal BalancedFlags Flags => new(Targets, Clear(After), Clear(Follow), Retries, Timeout, Require, Track, Label);

    /// <summary>Ends this client's tasks that still wait (for dependencies, or for an engine) as aborted; running tasks finish.</summary>
    public Task AbortAsync() => Client.AbortAsync(Client.Dispatcher.Outstanding.Where(m => m.LoadBalanced).ToArray());

    /// <summary>Waits for every load-balanced task this client has outstanding; false at the timeout.</summary>
    public Task<bool> WaitAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        ParallelClient.WaitForAsync(Client.Dispatcher.Outstanding.Where(m => m.LoadBalanced).ToArray(), timeout, cancellationToken);

    /// <summary>Blocking form of <see cref="WaitAsync(TimeSpan?, CancellationToken)"/>.</summary>
    public bool Wait(TimeSpan? timeout = null) => WaitAsync(timeout).GetAwaiter().GetResult();

    private AsyncResult Plain(PendingMessage message) => new(Client, [message], scalar: true);

    private AsyncResult<T> Single<T>(PendingMessage message) =>
        new(Client, [message], scalar: true, replies => ValueCast.To<T>(replies[0].Result, replies[0]));

    private TResult Blocking<TResult>(TResult result) where TResult : AsyncResult
    {
        if (Block) result.Wait();
        return result;
    }

    /// <inheritdoc />
    public override string ToString() => Targets is null ? "<LoadBalancedView all>" : $"<LoadBalancedView [{string.Join(", ", Targets)}]>";
}
