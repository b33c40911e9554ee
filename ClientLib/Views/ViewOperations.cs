using Orleans.Parallel.Connection;
using Orleans.Parallel.Engine;
using Orleans.Parallel.Functions;
using Orleans.Parallel.Results;
using Orleans.Parallel.Wire;

namespace Orleans.Parallel.Views;

/// <summary>
/// What every view does to send an operation: validate on the client, then one task per target
/// engine. Shared by <see cref="DirectView"/> and <see cref="EngineView"/>, which differ only in
/// the shape of their results.
/// </summary>
internal sealed class ViewOperations(ParallelClient client)
{
    public ParallelClient Client { get; } = client;

    /// <summary>Whether messages record when their sent memory is no longer read (the views' Track flag).</summary>
    public bool Track { get; set; }

    /// <summary>The label the messages carry into their task records (the views' Label flag).</summary>
    public string? Label { get; set; }

    public PendingMessage[] Execute(IReadOnlyList<int> targets, string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        var request = new ExecuteRequest(code);
        return Send(targets, (_, _) => request, sameForAll: true);
    }

    public PendingMessage[] Run(IReadOnlyList<int> targets, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Script file '{path}' does not exist.", path);
        return Execute(targets, File.ReadAllText(path));
    }

    public PendingMessage[] Push(IReadOnlyList<int> targets, object values)
    {
        var variables = NamespaceValues.From(values);
        var walk = Client.Shipper.Walk();
        var described = variables.ToDictionary(kv => kv.Key, kv => walk.Value(kv.Value, kv.Key));
        return Send(targets, (_, wire) => new PushRequest(described.ToDictionary(kv => kv.Key, kv => wire.Pack(kv.Value))), walk.Uploaded, sameForAll: true);
    }

    public PendingMessage[] Pull(IReadOnlyList<int> targets, IReadOnlyList<string> names, bool single)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (names.Count == 0) throw new ArgumentException("Name at least one variable to pull.", nameof(names));
        foreach (var name in names) NamespaceNames.Check(name, nameof(names));
        var request = new PullRequest(names.ToArray(), single);
        return Send(targets, (_, _) => request, sameForAll: true);
    }

    public PendingMessage[] Apply(IReadOnlyList<int> targets, Delegate function, object?[] args)
    {
        var prepared = Client.Shipper.Prepare(function);
        var walked = prepared.Arguments(args);
        return Send(targets, (_, wire) =>
        {
            wire.MarkReferences(); // captured values travel by reference inside the function payload
            return new ApplyRequest(prepared.Payload, walked.Select(wire.Pack).ToArray());
        }, prepared.Walk.Uploaded, sameForAll: true);
    }

    /// <summary>
    /// One task per engine with items: <paramref name="input"/> cut into contiguous blocks in target
    /// order. With <paramref name="itemErrors"/>, a failed item does not stop the others on its engine.
    /// </summary>
    public PendingMessage[] Map(IReadOnlyList<int> targets, Delegate function, MapInput input, bool itemErrors)
    {
        var prepared = Client.Shipper.Prepare(function);
        if (input.Count == 0) return [];
        var blocks = ScatterPlan.Split(input.Count, targets.Count);
        var used = targets.Where((_, i) => blocks[i].Length > 0).ToArray();
        var slices = blocks.Where(b => b.Length > 0).ToArray();
        var chunks = slices.Select(b => input.Cut(prepared.Walk, b.Offset, b.Length)).ToArray();
        var index = 0;
        var messages = Send(used, (_, wire) =>
        {
            wire.MarkReferences();
            var chunk = chunks[index++];
            var more = chunk.Length > 1 ? chunk.Skip(1).Select(c => wire.Pack(c)!).ToArray() : null;
            return new MapRequest(prepared.Payload, wire.Pack(chunk[0])!, more, itemErrors);
        }, prepared.Walk.Uploaded);
        for (var i = 0; i < messages.Length; i++) messages[i].MapSlice = (slices[i].Offset, slices[i].Length);
        return messages;
    }

    public PendingMessage[] Clear(IReadOnlyList<int> targets) => Send(targets, (_, _) => new ClearRequest(), sameForAll: true);

    public PendingMessage[] Keys(IReadOnlyList<int> targets, bool withTypes) => Send(targets, (_, _) => new KeysRequest(withTypes), sameForAll: true);

    public PendingMessage[] Checkpoint(IReadOnlyList<int> targets) => Send(targets, (_, _) => new CheckpointRequest(), sameForAll: true);

    /// <summary>Each target restores <paramref name="fromEngineId"/>'s checkpoint, or its own when null.</summary>
    public PendingMessage[] Restore(IReadOnlyList<int> targets, int? fromEngineId)
    {
        if (fromEngineId < 0) throw new ArgumentOutOfRangeException(nameof(fromEngineId), fromEngineId, "An engine id is 0 or more.");
        return Send(targets, target => new RestoreRequest(fromEngineId ?? target));
    }

    /// <summary>Items sent in blocks (scatter, map) are checked by their element type first, before any block is cut.</summary>
    public static void CheckItemType<T>(string path) => Untransportable.Check(typeof(T), path);

    /// <summary>A block of items to send: a slice of a primitive array (sent from its memory), else a new array.</summary>
    public static object Chunk<T>(IReadOnlyList<T> items, int offset, int length) =>
        items is T[] array && PackedArray.IsPackable(typeof(T[])) ? new ArraySlice(array, offset, length) : Slice(items, offset, length);

    public static T[] Slice<T>(IReadOnlyList<T> items, int offset, int length)
    {
        var chunk = new T[length];
        if (items is T[] array) Array.Copy(array, offset, chunk, 0, length);
        else for (var i = 0; i < length; i++) chunk[i] = items[offset + i];
        return chunk;
    }

    /// <inheritdoc cref="Send(IReadOnlyList{int}, Func{int, OutgoingValues, EngineRequest}, Task?, bool)"/>
    public PendingMessage[] Send(IReadOnlyList<int> targets, Func<int, EngineRequest> request, Task? before = null) =>
        Send(targets, (target, _) => request(target), before);

    /// <summary>How many engines of one silo a view needs before they go as one broadcast rather than a message each.</summary>
    internal const int BroadcastFrom = 2;

    /// <summary>
    /// Looks every engine up first (an unknown id fails before anything is sent), then sends: each
    /// request is built with the packer for its engine, its bulk arrays go first, and the message
    /// follows once they and <paramref name="before"/> (uploads) are done. With
    /// <paramref name="sameForAll"/> (the request does not depend on the target), the engines of one
    /// silo get it as one broadcast, the request built and sent once, unless it carries arrays on the
    /// bulk path (each engine receives its own copy of those).
    /// </summary>
    public PendingMessage[] Send(IReadOnlyList<int> targets, Func<int, OutgoingValues, EngineRequest> request, Task? before = null, bool sameForAll = false)
    {
        Client.ThrowIfDisposed();
        var engines = targets.Select(Client.Engine).ToArray();
        var messages = new PendingMessage[targets.Count];
        if (!sameForAll || targets.Count < BroadcastFrom)
        {
            for (var i = 0; i < messages.Length; i++) messages[i] = SendOne(targets[i], engines[i], request, before);
            return messages;
        }
        foreach (var silo in Enumerable.Range(0, targets.Count).GroupBy(i => Client.SiloOf(targets[i])))
        {
            var members = silo.ToArray();
            var first = members[0];
            var wire = new OutgoingValues(Client.Bulk, Client.BulkOf(targets[first]));
            var built = request(targets[first], wire);
            if (members.Length < BroadcastFrom || silo.Key.Length == 0 || wire.HasBulk)
            {
                messages[first] = SendOne(targets[first], engines[first], wire, built, before);
                foreach (var i in members.Skip(1)) messages[i] = SendOne(targets[i], engines[i], request, before);
                continue;
            }
            var sent = wire.StartSending(); // nothing in bulk: complete
            var group = new PendingMessage[members.Length];
            for (var k = 0; k < members.Length; k++)
            {
                var message = messages[members[k]] = group[k] = Client.Dispatcher.Track(targets[members[k]]);
                message.Label = Label;
                message.TrackSend(sent, Track, wire.HoldsReferences);
            }
            Client.Dispatcher.SendBroadcast(silo.Key, group, [.. members.Select(i => engines[i])], built, before ?? Task.CompletedTask);
        }
        return messages;
    }

    private PendingMessage SendOne(int target, IEngineGrain engine, Func<int, OutgoingValues, EngineRequest> request, Task? before)
    {
        var wire = new OutgoingValues(Client.Bulk, Client.BulkOf(target));
        return SendOne(target, engine, wire, request(target, wire), before);
    }

    private PendingMessage SendOne(int target, IEngineGrain engine, OutgoingValues wire, EngineRequest built, Task? before)
    {
        var message = Client.Dispatcher.Track(target);
        message.Label = Label;
        var sent = wire.StartSending();
        message.TrackSend(sent, Track, wire.HoldsReferences);
        var ready = before is null ? sent : sent.IsCompleted ? before : Task.WhenAll(before, sent);
        Client.Dispatcher.Send(message, engine, built, ready);
        return message;
    }
}
