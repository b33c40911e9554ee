using Orleans.Parallel.Engine;
using Orleans.Parallel.Results;

namespace Orleans.Parallel.Views;

/// <summary>
/// A view that multiplexes over several engines: every operation runs on each target, and values
/// come back as lists in target order (ipyparallel's <c>rc[:]</c>). Each operation comes as a triad:
/// <c>XxxAsync</c> returns an <see cref="AsyncResult"/> at once, <c>Xxx</c> returns it after waiting
/// when <see cref="Block"/> is set, <c>XxxSync</c> waits and returns the value.
/// </summary>
public sealed partial class DirectView : IParallelView
{
    private readonly ViewOperations _ops;

    internal DirectView(ParallelClient client, ViewTargets targets, bool block = false, bool track = false)
    {
        _ops = new ViewOperations(client) { Track = track };
        Targets = targets;
        Block = block;
    }

    /// <summary>The client this view belongs to.</summary>
    public ParallelClient Client => _ops.Client;

    /// <summary>The engines this view addresses.</summary>
    public ViewTargets Targets { get; }

    /// <summary>
    /// A label the tasks of this view carry into their records (ipyparallel's task metadata), to find
    /// them again with <see cref="ParallelClient.DbQueryAsync(Hub.TaskQuery, IEnumerable{Hub.TaskField}?, CancellationToken)"/>. Default none.
    /// </summary>
    public string? Label
    {
        get => _ops.Label;
        set => _ops.Label = value;
    }

    /// <summary>Whether the plain (<c>Xxx</c>) forms wait for their result before returning it. Default false.</summary>
    public bool Block { get; set; }

    /// <summary>
    /// Whether results record when the memory of the values they sent is no longer read
    /// (<see cref="AsyncResult.Sent"/>, <see cref="AsyncResult.WaitForSendAsync"/>). Large arrays are
    /// sent from the caller's own memory without a copy: change one only once its send is done.
    /// Default false.
    /// </summary>
    public bool Track
    {
        get => _ops.Track;
        set => _ops.Track = value;
    }

    /// <summary>The engine ids the next call goes to.</summary>
    public IReadOnlyList<int> TargetIds => Targets.Resolve(Client);

    /// <summary>A copy of this view with other flags, for one call or a few: <c>view.With(block: true).Execute(...)</c>.</summary>
    public DirectView With(bool? block = null, IEnumerable<int>? targets = null, bool? track = null, string? label = null) =>
        new(Client, targets is null ? Targets : Client[targets].Targets, block ?? Block, track ?? Track) { Label = label ?? Label };

    /// <summary>Removes this view's queued tasks from its engines; they end as aborted. Running tasks finish.</summary>
    public async Task<int> AbortAsync()
    {
        var counts = await Task.WhenAll(TargetIds.Select(id => Client.Engine(id).AbortAsync(null))).ConfigureAwait(false);
        return counts.Sum();
    }

    /// <summary>Each target engine's queue: waiting and running tasks, completed count.</summary>
    public async Task<IReadOnlyList<EngineQueueStatus>> QueueStatusAsync() =>
        await Task.WhenAll(TargetIds.Select(id => Client.Engine(id).QueueStatusAsync())).ConfigureAwait(false);

    /// <summary>Waits for every task this client has outstanding on the view's engines; false at the timeout.</summary>
    public Task<bool> WaitAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var targets = TargetIds.ToHashSet();
        return ParallelClient.WaitForAsync(Client.Dispatcher.Outstanding.Where(m => targets.Contains(m.EngineId)).ToArray(), timeout, cancellationToken);
    }

    /// <summary>Blocking form of <see cref="WaitAsync(TimeSpan?, CancellationToken)"/>.</summary>
    public bool Wait(TimeSpan? timeout = null) => WaitAsync(timeout).GetAwaiter().GetResult();

    private TResult Blocking<TResult>(TResult result) where TResult : AsyncResult
    {
        if (Block) result.Wait();
        return result;
    }

    private AsyncResult Plain(PendingMessage[] messages) => new(Client, messages, scalar: false);

    private AsyncMapResult<T> Values<T>(PendingMessage[] messages) =>
        new(Client, messages, reply => [ValueCast.To<T>(reply.Result, reply)]);

    /// <inheritdoc />
    public override string ToString() => $"<DirectView {Targets}>";
}
