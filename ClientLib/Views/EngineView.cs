using Orleans.Parallel.Engine;
using Orleans.Parallel.Results;

namespace Orleans.Parallel.Views;

/// <summary>
/// A view of one engine (<c>rc[0]</c>): the same operations as <see cref="DirectView"/>, with single
/// values instead of lists, and a failure raised as the <see cref="Errors.RemoteException"/> itself.
/// </summary>
public sealed partial class EngineView : IParallelView
{
    private readonly ViewOperations _ops;
    private readonly int[] _target;

    internal EngineView(ParallelClient client, int engineId, bool block = false, bool track = false)
    {
        _ops = new ViewOperations(client) { Track = track };
        EngineId = engineId;
        _target = [engineId];
        Block = block;
    }

    /// <summary>The client this view belongs to.</summary>
    public ParallelClient Client => _ops.Client;

    /// <summary>The engine this view addresses.</summary>
    public int EngineId { get; }

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

    /// <summary>A copy of this view with other flags.</summary>
    public EngineView With(bool? block = null, bool? track = null, string? label = null) =>
        new(Client, EngineId, block ?? Block, track ?? Track) { Label = label ?? Label };

    /// <summary>Runs C# script statements in the engine's namespace; declared variables stay there.</summary>
    public AsyncResult ExecuteAsync(string code) => Plain(_ops.Execute(_target, code));

    /// <inheritdoc cref="ExecuteAsync"/>
    public AsyncResult Execute(string code) => Blocking(ExecuteAsync(code));

    /// <inheritdoc cref="ExecuteAsync"/>
    public void ExecuteSync(string code) => ExecuteAsync(code).Get();

    /// <summary>Runs a C# script file (.csx), read on the client.</summary>
    public AsyncResult RunAsync(string path) => Plain(_ops.Run(_target, path));

    /// <inheritdoc cref="RunAsync"/>
    public AsyncResult Run(string path) => Blocking(RunAsync(path));

    /// <inheritdoc cref="RunAsync"/>
    public void RunSync(string path) => RunAsync(path).Get();

    /// <summary>Sets variables, from a dictionary or an anonymous object (<c>new { a = 1 }</c>).</summary>
    public AsyncResult PushAsync(object values) => Plain(_ops.Push(_target, values));

    /// <inheritdoc cref="PushAsync(object)"/>
    public AsyncResult Push(object values) => Blocking(PushAsync(values));

    /// <inheritdoc cref="PushAsync(object)"/>
    public void PushSync(object values) => PushAsync(values).Get();

    /// <summary>Sets one variable (any value, null or a delegate included, which an anonymous object cannot hold).</summary>
    public AsyncResult PushAsync(string name, object? value)
    {
        NamespaceNames.Check(name, nameof(name));
        return PushAsync(new Dictionary<string, object?> { [name] = value });
    }

    /// <inheritdoc cref="PushAsync(string, object?)"/>
    public AsyncResult Push(string name, object? value) => Blocking(PushAsync(name, value));

    /// <inheritdoc cref="PushAsync(string, object?)"/>
    public void PushSync(string name, object? value) => PushAsync(name, value).Get();

    /// <summary>Reads one variable as <typeparamref name="T"/>.</summary>
    public AsyncResult<T> PullAsync<T>(string name) => Single<T>(_ops.Pull(_target, [name], single: true));

    /// <inheritdoc cref="PullAsync{T}(string)"/>
    public AsyncResult<T> Pull<T>(string name) => Blocking(PullAsync<T>(name));

    /// <inheritdoc cref="PullAsync{T}(string)"/>
    public T PullSync<T>(string name) => PullAsync<T>(name).Get();

    /// <summary>Reads one variable.</summary>
    public AsyncResult<object?> PullAsync(string name) => PullAsync<object?>(name);

    /// <summary>Reads several variables, by name.</summary>
    public AsyncResult<IReadOnlyDictionary<string, object?>> PullAsync(IReadOnlyList<string> names)
    {
        var messages = _ops.Pull(_target, names, single: false);
        var order = names.ToArray();
        return new AsyncResult<IReadOnlyDictionary<string, object?>>(Client, messages, scalar: true,
            replies => order.Zip((object?[])replies[0].Result!).ToDictionary(p => p.First, p => p.Second));
    }

    /// <inheritdoc cref="PullAsync(IReadOnlyList{string})"/>
    public AsyncResult<IReadOnlyDictionary<string, object?>> Pull(IReadOnlyList<string> names) => Blocking(PullAsync(names));

    /// <inheritdoc cref="PullAsync(IReadOnlyList{string})"/>
    public IReadOnlyDictionary<string, object?> PullSync(IReadOnlyList<string> names) => PullAsync(names).Get();

    /// <summary>Gets (pull) or sets (push) one variable, waiting for it.</summary>
    public object? this[string name]
    {
        get => PullAsync(name).Get();
        set => PushSync(name, value);
    }

    /// <summary>Empties the namespace.</summary>
    public AsyncResult ClearAsync() => Plain(_ops.Clear(_target));

    /// <inheritdoc cref="ClearAsync"/>
    public AsyncResult Clear() => Blocking(ClearAsync());

    /// <inheritdoc cref="ClearAsync"/>
    public void ClearSync() => ClearAsync().Get();

    /// <summary>The engine's variable names, sorted (ipyparallel's <c>keys()</c>).</summary>
    public AsyncResult<IReadOnlyList<string>> KeysAsync() => Single<IReadOnlyList<string>>(_ops.Keys(_target, withTypes: false));

    /// <inheritdoc cref="KeysAsync"/>
    public AsyncResult<IReadOnlyList<string>> Keys() => Blocking(KeysAsync());

    /// <inheritdoc cref="KeysAsync"/>
    public IReadOnlyList<string> KeysSync() => KeysAsync().Get();

    /// <summary>The engine's variables with the type of the value each holds (what <c>%who</c> lists), sorted by name.</summary>
    public AsyncResult<IReadOnlyList<NamespaceVariable>> VariablesAsync() => Single<IReadOnlyList<NamespaceVariable>>(_ops.Keys(_target, withTypes: true));

    /// <inheritdoc cref="VariablesAsync"/>
    public AsyncResult<IReadOnlyList<NamespaceVariable>> Variables() => Blocking(VariablesAsync());

    /// <inheritdoc cref="VariablesAsync"/>
    public IReadOnlyList<NamespaceVariable> VariablesSync() => VariablesAsync().Get();

    /// <summary>Removes the engine's queued tasks; they end as aborted. A running task finishes.</summary>
    public Task<int> AbortAsync() => Client.Engine(EngineId).AbortAsync(null);

    /// <summary>The engine's queue: waiting and running tasks, completed count.</summary>
    public Task<EngineQueueStatus> QueueStatusAsync() => Client.Engine(EngineId).QueueStatusAsync();

    /// <summary>Waits for every task this client has outstanding on the engine; false at the timeout.</summary>
    public Task<bool> WaitAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        ParallelClient.WaitForAsync(Client.Dispatcher.Outstanding.Where(m => m.EngineId == EngineId).ToArray(), timeout, cancellationToken);

    private AsyncResult Plain(PendingMessage[] messages) => new(Client, messages, scalar: true);

    private AsyncResult<T> Single<T>(PendingMessage[] messages) =>
        new(Client, messages, scalar: true, replies => ValueCast.To<T>(replies[0].Result, replies[0]));

    private TResult Blocking<TResult>(TResult result) where TResult : AsyncResult
    {
        if (Block) result.Wait();
        return result;
    }

    /// <inheritdoc />
    public override string ToString() => $"<EngineView {EngineId}>";
}
