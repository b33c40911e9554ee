using Orleans.Parallel.Connection;
using Orleans.Parallel.Engine;
using Orleans.Parallel.Errors;
using Orleans.Parallel.Functions;
using Orleans.Parallel.Results;
using Orleans.Parallel.Scheduling;
using Orleans.Parallel.Wire;

namespace Orleans.Parallel.Views;

/// <summary>
/// What a load-balanced view does to send an operation: validate on the client, build the request,
/// then hold it for its dependencies or hand it to the scheduler. One task per call, or per chunk
/// of a map.
/// </summary>
internal sealed class BalancedOperations(ParallelClient client)
{
    public ParallelClient Client { get; } = client;

    public PendingMessage Apply(BalancedFlags flags, Delegate function, object?[] args)
    {
        var prepared = Client.Shipper.Prepare(function);
        var walked = prepared.Arguments(args);
        return Submit(flags, wire =>
        {
            wire.MarkReferences(); // captured values travel by reference inside the function payload
            for (var i = 0; i < walked.Length; i++) walked[i] = wire.Pack(walked[i]);
            return new ApplyRequest(prepared.Payload, walked);
        }, prepared.Walk.Uploaded);
    }

    /// <summary>
    /// One task per chunk: <c>ceil(count / chunkSize)</c> chunks of <paramref name="input"/> cut
    /// near-evenly, each one block per sequence. <paramref name="offset"/> is the input index of the
    /// first item (an IMap's later chunks); with <paramref name="itemErrors"/>, a failed item does not
    /// stop the rest of its chunk.
    /// </summary>
    public PendingMessage[] Map(BalancedFlags flags, Delegate function, MapInput input, int chunkSize, bool itemErrors, int offset = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        var prepared = Client.Shipper.Prepare(function);
        var count = input.Count;
        if (count == 0) return [];
        var blocks = ScatterPlan.Split(count, (int)((count + (long)chunkSize - 1) / chunkSize));
        var messages = new PendingMessage[blocks.Length];
        for (var i = 0; i < blocks.Length; i++)
        {
            var chunk = input.Cut(prepared.Walk, blocks[i].Offset, blocks[i].Length);
            messages[i] = Submit(flags, wire =>
            {
                wire.MarkReferences();
                var more = chunk.Length > 1 ? chunk.Skip(1).Select(c => wire.Pack(c)!).ToArray() : null;
                return new MapRequest(prepared.Payload, wire.Pack(chunk[0])!, more, itemErrors);
            }, prepared.Walk.Uploaded);
            messages[i].MapSlice = (offset + blocks[i].Offset, blocks[i].Length);
        }
        return messages;
    }

    /// <summary>
    /// Sends one task: its arrays go first (to the engines' silo when they share one), then the task
    /// goes to the scheduler, at once or once its dependencies are met.
    /// </summary>
    public PendingMessage Submit(BalancedFlags flags, Func<OutgoingValues, EngineRequest> build, Task? before)
    {
        Client.ThrowIfDisposed();
        if (Client.Ids.Count == 0)
            throw new NoEnginesException("The cluster has no engines to balance tasks over; start a silo with --engines, or wait with WaitForEnginesAsync.");
        Task? uploads = null;
        var require = flags.Require is null ? null : Requirement(flags.Require, out uploads);
        var wire = new OutgoingValues(Client.Bulk, Client.CommonBulk(flags.Targets));
        var request = build(wire);
        var message = Client.Dispatcher.Track(-1);
        message.LoadBalanced = true;
        var sent = wire.StartSending();
        message.TrackSend(sent, flags.Track, wire.HoldsReferences);
        // Almost always all done already (nothing to upload, no bulk arrays): no combined task per call then.
        var ready = Task.CompletedTask;
        if (before is { IsCompletedSuccessfully: false } || !sent.IsCompletedSuccessfully || uploads is { IsCompletedSuccessfully: false })
            ready = Task.WhenAll(new[] { before, sent, uploads }.OfType<Task>());

        void Go(IReadOnlyList<int>? targets, TimeSpan? timeout)
        {
            message.Balanced = new BalancedTask(message.MsgId, message.Submitted, request,
                new TaskPlacement(targets, [], flags.Retries, timeout, require), flags.Label, message.TraceParent);
            Client.Balanced.Submit(message, ready);
        }

        if (flags.After is null && flags.Follow is null) Go(flags.Targets, flags.Timeout);
        else DependencyHold.Start(Client.Dispatcher, message, flags.After, flags.Follow, flags.Targets, flags.Timeout, Go,
            ids => Client.MessagesOfAsync(ids, CancellationToken.None));
        return message;
    }

    /// <summary>Sends a request already in wire form (a resubmitted task) with its placement, under a new msg id.</summary>
    public PendingMessage Resend(EngineRequest request, TaskPlacement placement, string? label)
    {
        Client.ThrowIfDisposed();
        var message = Client.Dispatcher.Track(-1);
        message.LoadBalanced = true;
        message.Label = label;
        message.Balanced = new BalancedTask(message.MsgId, message.Submitted, request, placement, label, message.TraceParent);
        Client.Balanced.Submit(message, Task.CompletedTask);
        return message;
    }

    private TaskRequirement Requirement(Requirement require, out Task uploads)
    {
        foreach (var name in require.Variables) NamespaceNames.Check(name, nameof(require));
        foreach (var name in require.Assemblies)
            if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("A required assembly needs a name.", nameof(require));
        uploads = Task.CompletedTask;
        FunctionPayload? predicate = null;
        if (require.Predicate is { } check)
        {
            var prepared = Client.Shipper.Prepare(check);
            predicate = prepared.Payload;
            uploads = prepared.Walk.Uploaded;
        }
        return new TaskRequirement(require.Variables.ToArray(), require.Assemblies.ToArray(), predicate);
    }
}
