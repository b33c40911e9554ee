using Orleans.Parallel.Engine;

namespace Orleans.Parallel.Results;

/// <summary>One submitted task as the client tracks it until its reply arrives.</summary>
internal sealed class PendingMessage(Guid msgId, int engineId, DateTime submitted)
{
    private readonly TaskCompletionSource<TaskReply> _reply = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _delivered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _bulkSent = Task.CompletedTask;

    public Guid MsgId { get; } = msgId;

    /// <summary>The engine it was sent to; for a load-balanced task -1 until its reply names the engine that ran it.</summary>
    public int EngineId { get; private set; } = engineId;
    public DateTime Submitted { get; } = submitted;
    public DateTime? Received { get; private set; }
    public Task<TaskReply> Reply => _reply.Task;
    public bool IsDone => _reply.Task.IsCompleted;

    /// <summary>The reply, once it arrived (null while pending).</summary>
    public TaskReply? Done => _reply.Task.IsCompletedSuccessfully ? _reply.Task.Result : null;

    /// <summary>
    /// The client's span of this task (<see cref="Telemetry.ParallelTelemetry.TaskSpan"/>) while something
    /// listens: from the submit until the reply arrived. Its id travels with the task as a traceparent.
    /// </summary>
    public System.Diagnostics.Activity? Trace { get; private set; }

    /// <summary>The traceparent the task carries (the <see cref="Trace"/>'s id), or null.</summary>
    public string? TraceParent { get; private set; }

    /// <summary>Starts <see cref="Trace"/> when something listens, without making it the caller's current activity (their next call is no child of this task).</summary>
    public void StartTrace()
    {
        if (!Telemetry.ParallelTelemetry.Source.HasListeners()) return;
        var caller = System.Diagnostics.Activity.Current;
        Trace = Telemetry.ParallelTelemetry.Source.StartActivity(Telemetry.ParallelTelemetry.TaskSpan, System.Diagnostics.ActivityKind.Client);
        System.Diagnostics.Activity.Current = caller;
        if (Trace is null) return;
        Trace.SetTag(Telemetry.ParallelTelemetry.TaskIdTag, MsgId.ToString());
        if (EngineId >= 0) Trace.SetTag(Telemetry.ParallelTelemetry.EngineIdTag, EngineId);
        TraceParent = Telemetry.ParallelTelemetry.TraceParentOf(Trace);
    }

    /// <summary>Ends <see cref="Trace"/> with the reply: a short <see cref="Telemetry.ParallelTelemetry.ReplySpan"/> under it, the engine and status as tags.</summary>
    private void EndTrace(TaskReply reply)
    {
        var trace = Trace;
        if (trace is null) return;
        var status = reply.Status.ToString().ToLowerInvariant();
        using (var taken = Telemetry.ParallelTelemetry.StartChild(Telemetry.ParallelTelemetry.ReplySpan, TraceParent, MsgId, System.Diagnostics.ActivityKind.Consumer))
        {
            taken?.SetTag(Telemetry.ParallelTelemetry.EngineIdTag, reply.EngineId);
            taken?.SetTag(Telemetry.ParallelTelemetry.StatusTag, status);
        }
        trace.SetTag(Telemetry.ParallelTelemetry.EngineIdTag, reply.EngineId);
        trace.SetTag(Telemetry.ParallelTelemetry.StatusTag, status);
        if (Label is not null) trace.SetTag(Telemetry.ParallelTelemetry.LabelTag, Label);
        if (reply.Status == Engine.TaskStatus.Error) trace.SetStatus(System.Diagnostics.ActivityStatusCode.Error, reply.Error?.Message);
        trace.Stop();
    }

    public void Complete(TaskReply reply)
    {
        if (EngineId < 0 && reply.EngineId >= 0) EngineId = reply.EngineId;
        Received ??= DateTime.UtcNow;
        if (!_reply.Task.IsCompleted) EndTrace(reply);
        _delivered.TrySetResult(); // a reply implies the request was read
        _reply.TrySetResult(reply);
    }

    private bool _holdsReferences = true;

    /// <summary>
    /// Completes when nothing reads the caller's memory for this message any more: its bulk arrays
    /// have been sent and, if the message refers to caller objects, it has reached the engine (so
    /// Orleans has serialized it). Faults if a bulk send failed.
    /// </summary>
    public Task Sent => _holdsReferences ? Task.WhenAll(_bulkSent, _delivered.Task) : _bulkSent;

    /// <summary>The sends of this message's bulk arrays.</summary>
    public Task BulkSent => _bulkSent;

    /// <summary>Whether the caller asked to know when <see cref="Sent"/> completes (the view's Track flag).</summary>
    public bool Tracked { get; private set; }

    /// <summary>Records the sends of this message's bulk arrays.</summary>
    public void TrackSend(Task bulkSent, bool tracked, bool holdsReferences)
    {
        _bulkSent = bulkSent;
        Tracked = tracked;
        _holdsReferences = holdsReferences;
    }

    /// <summary>The engine accepted the message (or it will never be sent).</summary>
    public void Delivered() => _delivered.TrySetResult();

    private LiveOutput? _live;

    /// <summary>Its output as it streams in while it runs; null until the first chunk (or reader).</summary>
    public LiveOutput? Live => Volatile.Read(ref _live);

    /// <summary>The live output, made on first use.</summary>
    public LiveOutput LiveOutput() => Volatile.Read(ref _live) ?? Interlocked.CompareExchange(ref _live, new LiveOutput(), null) ?? _live!;

    /// <summary>
    /// Whether every chunk of its output that was streamed has arrived, or none has come for
    /// <see cref="OutputGrace"/> since its reply or the last chunk (a missing one is then taken as
    /// lost). Counted from the last chunk too: a chatty task's reply can overtake many chunks still
    /// on their way, and those keep coming.
    /// </summary>
    public bool OutputComplete => Done is { } done
        && (done.Streamed <= (Live?.Count ?? 0) || DateTime.UtcNow - LastHeard > OutputGrace);

    private DateTime LastHeard => Live?.LastArrival is { } chunk && chunk > (Received ?? DateTime.MinValue) ? chunk : Received ?? DateTime.UtcNow;

    /// <summary>How long after its reply, or its last chunk, a task's missing chunks are waited for.</summary>
    public static readonly TimeSpan OutputGrace = TimeSpan.FromSeconds(5);

    /// <summary>For a map chunk: which items of the map's input it carries (their errors name them, progress counts them).</summary>
    public (int Offset, int Length)? MapSlice { get; set; }

    /// <summary>The label of the view that sent it (kept in its task record).</summary>
    public string? Label { get; set; }

    /// <summary>Whether this is a load-balanced task (its engine is chosen by the scheduler).</summary>
    public bool LoadBalanced { get; set; }

    /// <summary>For a load-balanced task: the task as sent, kept to re-send it if its queue is lost.</summary>
    public Scheduling.BalancedTask? Balanced { get; set; }

    /// <summary>For a load-balanced task: the queue that holds it (null while not yet accepted by one).</summary>
    public Scheduling.QueueTicket? Queue
    {
        get => Volatile.Read(ref _queue);
        set => Volatile.Write(ref _queue, value);
    }

    private Scheduling.QueueTicket? _queue;

    private volatile bool _abortRequested;

    /// <summary>
    /// For a load-balanced task: the caller aborted it before its queue was known. If it has not
    /// left, it never will; if its batch is on the way, the queue is asked to abort it once known.
    /// </summary>
    public bool AbortRequested
    {
        get => _abortRequested;
        set => _abortRequested = value;
    }

    /// <summary>For a load-balanced task held on the client until its dependencies are met: cancelled to abort it.</summary>
    public CancellationTokenSource? Hold { get; set; }

    /// <summary>An error raised on the client side for this message (for example, the engine is gone).</summary>
    public Exception? LocalError { get; private set; }

    /// <summary>Ends the message with an error raised on the client side.</summary>
    public void Fail(Exception error)
    {
        _delivered.TrySetResult();
        if (_reply.Task.IsCompleted) return; // the reply won the race; it stands
        LocalError ??= error;
        // Aborted on the client (before it left) reads as aborted in its metadata too, as one aborted at a queue or engine does.
        var status = error is Errors.TaskAbortedException ? Engine.TaskStatus.Aborted : Engine.TaskStatus.Error;
        Complete(new TaskReply(MsgId, EngineId, status, null, null, null, DateTime.UtcNow, "", "", null));
    }
}
