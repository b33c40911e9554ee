using Orleans.Parallel.Engine;
using Orleans.Parallel.Results;

namespace Orleans.Parallel.Views;

public sealed partial class DirectView
{
    /// <summary>Sets variables on each engine, from a dictionary or an anonymous object (<c>new { a = 1, b = "x" }</c>).</summary>
    public AsyncResult PushAsync(object values) => Plain(_ops.Push(TargetIds, values));

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

    /// <summary>Reads one variable from each engine, as <typeparamref name="T"/>.</summary>
    public AsyncMapResult<T> PullAsync<T>(string name) => Values<T>(_ops.Pull(TargetIds, [name], single: true));

    /// <inheritdoc cref="PullAsync{T}(string)"/>
    public AsyncMapResult<T> Pull<T>(string name) => Blocking(PullAsync<T>(name));

    /// <inheritdoc cref="PullAsync{T}(string)"/>
    public IReadOnlyList<T> PullSync<T>(string name) => PullAsync<T>(name).Get();

    /// <summary>Reads one variable from each engine.</summary>
    public AsyncMapResult<object?> PullAsync(string name) => PullAsync<object?>(name);

    /// <summary>Reads several variables from each engine: one dictionary per engine.</summary>
    public AsyncMapResult<IReadOnlyDictionary<string, object?>> PullAsync(IReadOnlyList<string> names)
    {
        var messages = _ops.Pull(TargetIds, names, single: false);
        var order = names.ToArray();
        return new AsyncMapResult<IReadOnlyDictionary<string, object?>>(Client, messages,
            reply => [order.Zip((object?[])reply.Result!).ToDictionary(p => p.First, p => p.Second)]);
    }

    /// <inheritdoc cref="PullAsync(IReadOnlyList{string})"/>
    public AsyncMapResult<IReadOnlyDictionary<string, object?>> Pull(IReadOnlyList<string> names) => Blocking(PullAsync(names));

    /// <inheritdoc cref="PullAsync(IReadOnlyList{string})"/>
    public IReadOnlyList<IReadOnlyDictionary<string, object?>> PullSync(IReadOnlyList<string> names) => PullAsync(names).Get();

    /// <summary>Gets (pull) or sets (push) one variable on every engine of the view, waiting for it.</summary>
    public object? this[string name]
    {
        get => PullAsync(name).Get();
        set => PushSync(name, value);
    }

    /// <summary>Empties each engine's namespace.</summary>
    public AsyncResult ClearAsync() => Plain(_ops.Clear(TargetIds));

    /// <inheritdoc cref="ClearAsync"/>
    public AsyncResult Clear() => Blocking(ClearAsync());

    /// <inheritdoc cref="ClearAsync"/>
    public void ClearSync() => ClearAsync().Get();

    /// <summary>Each engine's variable names, sorted (ipyparallel's <c>dv.keys()</c>): one list per engine, in target order.</summary>
    public AsyncMapResult<IReadOnlyList<string>> KeysAsync() => Values<IReadOnlyList<string>>(_ops.Keys(TargetIds, withTypes: false));

    /// <inheritdoc cref="KeysAsync"/>
    public AsyncMapResult<IReadOnlyList<string>> Keys() => Blocking(KeysAsync());

    /// <inheritdoc cref="KeysAsync"/>
    public IReadOnlyList<IReadOnlyList<string>> KeysSync() => KeysAsync().Get();

    /// <summary>Each engine's variables with the type of the value each holds (what <c>%who</c> lists), sorted by name: one list per engine.</summary>
    public AsyncMapResult<IReadOnlyList<NamespaceVariable>> VariablesAsync() =>
        Values<IReadOnlyList<NamespaceVariable>>(_ops.Keys(TargetIds, withTypes: true));

    /// <inheritdoc cref="VariablesAsync"/>
    public AsyncMapResult<IReadOnlyList<NamespaceVariable>> Variables() => Blocking(VariablesAsync());

    /// <inheritdoc cref="VariablesAsync"/>
    public IReadOnlyList<IReadOnlyList<NamespaceVariable>> VariablesSync() => VariablesAsync().Get();

    /// <summary>
    /// Cuts <paramref name="items"/> into contiguous blocks, one per engine in target order (the first
    /// <c>count % engines</c> one item longer), and stores each block as <paramref name="name"/>: an
    /// array, or a <see cref="List{T}"/> when <paramref name="items"/> is one. With
    /// <paramref name="flatten"/>, a one-item block is stored as the item itself.
    /// </summary>
    public AsyncResult ScatterAsync<T>(string name, IEnumerable<T> items, bool flatten = false)
    {
        NamespaceNames.Check(name, nameof(name));
        ArgumentNullException.ThrowIfNull(items);
        ViewOperations.CheckItemType<T>(nameof(items));
        var list = items as IReadOnlyList<T> ?? items.ToArray();
        var targets = TargetIds;
        var blocks = ScatterPlan.Split(list.Count, targets.Count);
        var asList = items is List<T>;
        var walk = Client.Shipper.Walk();
        var values = blocks.Select(block =>
        {
            var (offset, length) = block;
            object? value = flatten && length == 1 ? list[offset]
                : asList ? new List<T>(ViewOperations.Slice(list, offset, length))
                : ViewOperations.Chunk(list, offset, length);
            return walk.Value(value, nameof(items));
        }).ToArray();
        var index = 0;
        var messages = _ops.Send(targets, (_, wire) =>
            new Engine.PushRequest(new Dictionary<string, object?> { [name] = wire.Pack(values[index++]) }), walk.Uploaded);
        return Plain(messages);
    }

    /// <inheritdoc cref="ScatterAsync{T}"/>
    public AsyncResult Scatter<T>(string name, IEnumerable<T> items, bool flatten = false) => Blocking(ScatterAsync(name, items, flatten));

    /// <inheritdoc cref="ScatterAsync{T}"/>
    public void ScatterSync<T>(string name, IEnumerable<T> items, bool flatten = false) => ScatterAsync(name, items, flatten).Get();

    /// <summary>Pulls <paramref name="name"/> from each engine and concatenates the blocks in target order (undoes <see cref="ScatterAsync{T}"/>).</summary>
    public AsyncMapResult<T> GatherAsync<T>(string name) =>
        new(Client, _ops.Pull(TargetIds, [name], single: true), ValueCast.Items<T>, blocks: true);

    /// <inheritdoc cref="GatherAsync{T}"/>
    public AsyncMapResult<T> Gather<T>(string name) => Blocking(GatherAsync<T>(name));

    /// <inheritdoc cref="GatherAsync{T}"/>
    public IReadOnlyList<T> GatherSync<T>(string name) => GatherAsync<T>(name).Get();
}
