using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Parallel.Broadcast;
using Orleans.Parallel.Bulk;
using Orleans.Parallel.Engine;
using Orleans.Parallel.Errors;
using Orleans.Parallel.Results;
using Orleans.Parallel.Wire;

namespace Orleans.Parallel.Connection;

/// <summary>
/// Sends tasks to engines and matches the replies engines report back (through this observer)
/// to the client's pending messages. Holds a message only until its reply arrives.
/// </summary>
internal sealed class TaskDispatcher : ITaskObserver
{
    private readonly ConcurrentDictionary<Guid, PendingMessage> _pending = new();
    private readonly Dictionary<int, Channel> _channels = new();
    private readonly IGrainFactory _grains;
    private readonly BulkClient _bulk;
    private ITaskObserver? _reference;

    public TaskDispatcher(IGrainFactory grains, Guid sessionId, BulkClient bulk)
    {
        _grains = grains;
        _bulk = bulk;
        SessionId = sessionId;
        // The client's own limit (a host's options may raise it): Orleans' client and the silos each check what they send and receive.
        MaxMessageBodySize = (grains as IClusterClient)?.ServiceProvider.GetService<IOptions<MessagingOptions>>()?.Value.MaxMessageBodySize
            ?? MessageSize.DefaultLimit;
    }

    public Guid SessionId { get; }

    /// <summary>The most bytes Orleans carries in one message from this client (<see cref="MessagingOptions.MaxMessageBodySize"/>).</summary>
    public int MaxMessageBodySize { get; }

    /// <summary>
    /// Refuses a request larger than <see cref="MaxMessageBodySize"/> (by a lower bound of its size,
    /// so none that fits): its <paramref name="messages"/> fail, and the caller gets, a
    /// <see cref="MessageTooLargeException"/>; nothing is sent. Orleans itself would find out only in
    /// its connection's send loop, where the call is never answered and the connection is closed.
    /// </summary>
    public void CheckSize(EngineRequest request, ReadOnlySpan<PendingMessage> messages)
    {
        if (MessageSize.Exceeds(request, MaxMessageBodySize) is not { } excess) return;
        var error = new MessageTooLargeException(excess, MaxMessageBodySize);
        foreach (var message in messages) Fail(message, error);
        throw error;
    }

    /// <summary>
    /// Orleans holds observers weakly; a client awaited only through its own pending results would be
    /// collected with its replies still on the way. Attached dispatchers are therefore rooted here.
    /// </summary>
    private static readonly ConcurrentDictionary<TaskDispatcher, byte> Attached = new();

    public void Attach()
    {
        _reference = _grains.CreateObjectReference<ITaskObserver>(this);
        Attached.TryAdd(this, 0);
    }

    public void Detach()
    {
        Attached.TryRemove(this, out _);
        if (_reference is not null) _grains.DeleteObjectReference<ITaskObserver>(_reference);
    }

    /// <summary>Messages sent and not yet answered.</summary>
    public IEnumerable<PendingMessage> Outstanding => _pending.Values;

    /// <summary>Whether this client ever sent a task: until it does, no engine holds anything of its session.</summary>
    public bool EverTracked { get; private set; }

    /// <summary>A message still outstanding, by id.</summary>
    public bool TryGetOutstanding(Guid msgId, out PendingMessage message) => _pending.TryGetValue(msgId, out message!);

    /// <summary>How the client's recent tasks ended (for dependencies given as ids).</summary>
    public RecentOutcomes Recent { get; } = new();

    /// <summary>This session's observer, where engines and queues send replies.</summary>
    public ITaskObserver Observer => _reference ?? throw new InvalidOperationException("The dispatcher is not attached.");

    /// <summary>Registers a message for engine <paramref name="engineId"/>; call <see cref="Send"/> to send it.</summary>
    public PendingMessage Track(int engineId)
    {
        if (!EverTracked) EverTracked = true; // read first: no write, so no shared cache line, per message once set
        var message = new PendingMessage(Guid.NewGuid(), engineId, DateTime.UtcNow);
        message.StartTrace();
        _pending[message.MsgId] = message;
        return message;
    }

    /// <summary>
    /// Sends a tracked message once <paramref name="before"/> (uploads) has finished, numbered in
    /// submission order for its engine and never issued ahead of an earlier message to that engine.
    /// If an upload failed, the message still goes (the engine then reports the missing assembly),
    /// so the engine's sequence has no gap.
    /// </summary>
    /// <exception cref="MessageTooLargeException">The request does not fit one message (see <see cref="CheckSize"/>); the message failed and was not sent.</exception>
    public void Send(PendingMessage message, IEngineGrain engine, EngineRequest request, Task before)
    {
        CheckSize(request, [message]); // before it takes a number: a refused task leaves no gap
        lock (_channels)
        {
            if (!_channels.TryGetValue(message.EngineId, out var channel)) _channels[message.EngineId] = channel = new Channel();
            var task = new EngineTask(message.MsgId, SessionId, message.Submitted, request, channel.NextSeq++, message.Label, message.TraceParent);
            if (before.IsCompleted && channel.Issued.IsCompleted && !message.BulkSent.IsFaulted) _ = SendNowAsync(message, engine, task);
            else channel.Issued = IssueAfterAsync(channel.Issued, before, message, engine, task);
        }
    }

    /// <summary>
    /// Sends one request to several engines of one silo as a single broadcast (see
    /// <see cref="Broadcast.IBroadcastGrain"/>): each message still gets its engine's next number in
    /// submission order, and the broadcast goes once <paramref name="before"/> and every earlier
    /// message to those engines were issued.
    /// </summary>
    /// <exception cref="MessageTooLargeException">The request does not fit one message (see <see cref="CheckSize"/>); the messages failed and were not sent.</exception>
    public void SendBroadcast(string silo, PendingMessage[] messages, IEngineGrain[] engines, EngineRequest request, Task before)
    {
        CheckSize(request, messages);
        var targets = new BroadcastTarget[messages.Length];
        lock (_channels)
        {
            List<Task>? earlier = null;
            var channels = new Channel[messages.Length];
            for (var i = 0; i < messages.Length; i++)
            {
                var message = messages[i];
                if (!_channels.TryGetValue(message.EngineId, out var channel)) _channels[message.EngineId] = channel = new Channel();
                channels[i] = channel;
                targets[i] = new BroadcastTarget(message.EngineId, engines[i].GetPrimaryKey(), message.MsgId, channel.NextSeq++, message.Submitted, message.TraceParent);
                if (!channel.Issued.IsCompleted) (earlier ??= []).Add(channel.Issued);
            }
            var broadcast = new EngineBroadcast(SessionId, request, messages[0].Label, targets);
            if (before.IsCompleted && earlier is null) _ = SendBroadcastNowAsync(silo, messages, engines, broadcast);
            else
            {
                var issued = IssueBroadcastAfterAsync([.. earlier ?? [], before], silo, messages, engines, broadcast);
                foreach (var channel in channels) channel.Issued = issued;
            }
        }
    }

    private async Task IssueBroadcastAfterAsync(Task[] earlier, string silo, PendingMessage[] messages, IEngineGrain[] engines, EngineBroadcast broadcast)
    {
        await Task.WhenAll(earlier).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _ = SendBroadcastNowAsync(silo, messages, engines, broadcast);
    }

    /// <summary>One call for the silo's engines; the replies that came back with it complete their messages.</summary>
    private async Task SendBroadcastNowAsync(string silo, PendingMessage[] messages, IEngineGrain[] engines, EngineBroadcast broadcast)
    {
        var point = _grains.GetGrain<IBroadcastGrain>(silo);
        IReadOnlyList<TaskReply?> replies;
        try
        {
            replies = await point.SubmitAsync(broadcast, _reference!).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            foreach (var message in messages)
                Fail(message, new EngineException(message.EngineId, $"Task {message.MsgId} failed on its way to or from the engine: {e.Message}", e));
            // Tasks that never reached their engines must still take their numbers, or the engines
            // would hold this session's later tasks back until their gap timeout.
            await Task.WhenAll(engines.Select((engine, i) => SkipAsync(engine, broadcast.TaskFor(i)))).ConfigureAwait(false);
            return;
        }
        for (var i = 0; i < messages.Length; i++)
        {
            messages[i].Delivered();
            if (replies[i] is { } reply) await OnTaskCompletedAsync(reply).ConfigureAwait(false);
        }
    }

    /// <summary>A new incarnation serves these engine ids: its submission order starts at 0.</summary>
    public void ResetChannels(IReadOnlyList<int> engineIds)
    {
        lock (_channels)
            foreach (var id in engineIds) _channels.Remove(id);
    }

    private sealed class Channel
    {
        public long NextSeq;
        public Task Issued = Task.CompletedTask;
    }

    private async Task IssueAfterAsync(Task previous, Task before, PendingMessage message, IEngineGrain engine, EngineTask task)
    {
        await Task.WhenAll(previous, before).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var bulk = message.BulkSent;
        if (bulk.IsFaulted)
        {
            // The engine would wait for arrays that never come; it gets a skip in this number instead.
            var cause = bulk.Exception!.InnerException!;
            Fail(message, new EngineException(message.EngineId, $"Task {message.MsgId} could not send its arrays to the engine's silo: {cause.Message}", cause));
            task = task with { Request = new SkipRequest() };
        }
        _ = SendNowAsync(message, engine, task);
    }

    /// <summary>Submits; a task that ends quickly comes back as the call's own answer, later ones through the observer.</summary>
    private async Task SendNowAsync(PendingMessage message, IEngineGrain engine, EngineTask task)
    {
        // Orleans' own span of the call (activity propagation) joins the task's trace; this flow only.
        if (message.Trace is { } trace) System.Diagnostics.Activity.Current = trace;
        try
        {
            var reply = await engine.SubmitAsync(task, _reference!).ConfigureAwait(false);
            message.Delivered();
            if (reply is not null) await OnTaskCompletedAsync(reply).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Fail(message, new EngineException(message.EngineId, $"Task {message.MsgId} failed on its way to or from the engine: {e.Message}", e));
            // If the task never reached the engine, its sequence number must still arrive, or the
            // engine would hold this session's later tasks back until its gap timeout.
            try { await engine.SubmitAsync(task with { Request = new SkipRequest() }, _reference!).ConfigureAwait(false); }
            catch (Exception) { /* the engine is unreachable; nothing waits there either */ }
        }
    }

    private async Task SkipAsync(IEngineGrain engine, EngineTask task)
    {
        try { await engine.SubmitAsync(task with { Request = new SkipRequest() }, _reference!).ConfigureAwait(false); }
        catch (Exception) { /* the engine is unreachable; nothing waits there either */ }
    }

    /// <summary>Ends every outstanding message with <paramref name="error"/> (client disposed).</summary>
    public void FailAll(Func<PendingMessage, Exception> error)
    {
        foreach (var message in _pending.Values) Fail(message, error(message));
    }

    /// <summary>Ends the outstanding messages of engines that left the cluster.</summary>
    public void FailEnginesGone(IReadOnlyCollection<int> live)
    {
        foreach (var message in _pending.Values.Where(m => m.EngineId >= 0 && !live.Contains(m.EngineId)))
            Fail(message, new EngineException(message.EngineId, $"The engine left the cluster before task {message.MsgId} ended."));
    }

    public void Fail(PendingMessage message, Exception error)
    {
        _pending.TryRemove(message.MsgId, out _);
        message.Fail(error);
        Recent.Record(message);
    }

    /// <summary>The values of a result: one, or each of the <c>object?[]</c> of a multi-name pull.</summary>
    /// <summary>A result that arrives as it is: no wrapper to unpack, no array to fetch.</summary>
    private static bool IsPlain(object? result) =>
        result is null or string || result.GetType().IsPrimitive;

    private static bool IsSeveral(object? result) => result is object?[] values && values.GetType() == typeof(object[]);

    public Task OnTaskEndedAsync(TaskReply reply) => OnTaskCompletedAsync(reply);

    public Task OnTasksEndedAsync(IReadOnlyList<TaskReply> replies)
    {
        foreach (var reply in replies) OnTaskCompletedAsync(reply);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Messages whose reply came before all of their streamed output (chunks and replies travel
    /// different ways), held until the rest arrives or <see cref="PendingMessage.OutputGrace"/> passes.
    /// </summary>
    private readonly ConcurrentDictionary<Guid, PendingMessage> _streaming = new();
    private DateTime _lastSweep = DateTime.UtcNow;

    /// <summary>A chunk of a running task's output, from this session's output stream.</summary>
    public Task OnOutputAsync(OutputChunk chunk)
    {
        if (_pending.TryGetValue(chunk.MsgId, out var message)) message.LiveOutput().Add(chunk);
        else if (_streaming.TryGetValue(chunk.MsgId, out message))
        {
            message.LiveOutput().Add(chunk);
            if (message.OutputComplete) _streaming.TryRemove(chunk.MsgId, out _);
        }
        SweepStreaming();
        return Task.CompletedTask;
    }

    private void SweepStreaming()
    {
        if (_streaming.IsEmpty || DateTime.UtcNow - _lastSweep < PendingMessage.OutputGrace) return;
        _lastSweep = DateTime.UtcNow;
        foreach (var (id, message) in _streaming)
            if (message.OutputComplete) _streaming.TryRemove(id, out _);
    }

    public Task OnTaskCompletedAsync(TaskReply reply)
    {
        if (!_pending.TryRemove(reply.MsgId, out var message)) return Task.CompletedTask;
        if (reply.Streamed > (message.Live?.Count ?? 0))
        {
            _streaming[reply.MsgId] = message;
            SweepStreaming();
        }
        Recent.Record(reply.MsgId, reply.Status, reply.EngineId);
        if (IsPlain(reply.Result))
        {
            message.Complete(reply); // a plain value, as most small results are: nothing to unpack
            return Task.CompletedTask;
        }
        var values = IsSeveral(reply.Result) ? (object?[])reply.Result! : [reply.Result];
        // Arrays offered in bulk are fetched off the observer call, which must not wait for them.
        if (values.Any(v => BulkOf(v) is not null)) _ = CompleteAsync(message, reply, values);
        else Complete(message, reply, values, null);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Ends a message with a reply that did not come through this dispatcher (a task record read
    /// from the hub): its values are unpacked the same way. Records never hold bulk references.
    /// </summary>
    public static void Finish(PendingMessage message, TaskReply reply)
    {
        if (IsPlain(reply.Result)) message.Complete(reply);
        else Complete(message, reply, IsSeveral(reply.Result) ? (object?[])reply.Result! : [reply.Result], null);
    }

    /// <summary>The bulk transfer a result value waits for: its own array, or a large user value's text.</summary>
    private static BulkRef? BulkOf(object? value) => BulkRefs.In(value);

    private async Task CompleteAsync(PendingMessage message, TaskReply reply, object?[] values)
    {
        try
        {
            var fetched = await Task.WhenAll(values.Select(v => BulkOf(v) is { } r ? _bulk.FetchAsync(r) : Task.FromResult<Array>(null!))).ConfigureAwait(false);
            Complete(message, reply, values, fetched);
        }
        catch (Exception e)
        {
            message.Fail(new EngineException(reply.EngineId, $"The result of task {reply.MsgId} could not be fetched from the engine's silo: {e.Message}", e));
        }
    }

    private static void Complete(PendingMessage message, TaskReply reply, object?[] values, Array[]? fetched)
    {
        try
        {
            var unpacked = new object?[values.Length];
            for (var i = 0; i < values.Length; i++) unpacked[i] = Unpack(values[i], fetched?[i]);
            message.Complete(reply with { Result = IsSeveral(reply.Result) ? unpacked : unpacked[0] });
        }
        catch (Exception e)
        {
            message.Fail(new EngineException(reply.EngineId, $"The result of task {reply.MsgId} arrived damaged: {e.Message}", e));
        }
    }

    private static object? Unpack(object? value, Array? fetched) => value switch
    {
        BulkRef => fetched,
        UserValue user => UserValues.Read(fetched is null ? user : user with { Data = fetched }),
        MemoryValue memory => MemoryValue.Wrap((Array)Unpack(memory.Data, fetched)!, memory.ReadOnly),
        _ => PackedArray.Unpack(value),
    };
}
