using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Parallel.Engine;
using Orleans.Parallel.Grains.Bulk;
using Orleans.Parallel.Grains.Hub.Store;
using Orleans.Parallel.Hub;
using Orleans.Parallel.Scheduling;
using Orleans.Runtime;

namespace Orleans.Parallel.Grains.Hub;

/// <summary>
/// This silo's writer of task records. Engines and queues tell it when a task is submitted,
/// started and ended (by method call, on their own threads); it gathers what it hears per task and
/// writes everything to the task store every <see cref="FlushEvery"/>, in one batch. A tiny task's
/// three events usually become one record and a share of one store call, which keeps the records'
/// cost to the load-balanced path small. With the store kind "none" every call returns at once.
/// </summary>
public sealed partial class TaskRecorder : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    /// <summary>How often gathered records go to the store.</summary>
    public static readonly TimeSpan FlushEvery = TimeSpan.FromMilliseconds(100);

    /// <summary>With this many tasks gathered, a flush starts without waiting for the timer.</summary>
    private const int FlushAt = 16_384;

    /// <summary>
    /// Records that failed to reach the store are kept and sent again; past this many bytes (a store
    /// that is down for long) the oldest are dropped, with a warning, so the silo's memory stays bounded.
    /// </summary>
    private const long MaxUnsavedBytes = 256L << 20;

    private readonly ITaskStore? _store;
    private readonly Func<Guid, Array?> _offered; // the outbox's Peek, made once: Ended runs for every task
    private readonly long _maxResultBytes;
    private readonly ILogger<TaskRecorder> _logger;
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    // Engine threads and the queue report at once; a lock-free queue keeps them from waiting on each
    // other (on two cores a contended lock costs more than the record). The flush sorts it out.
    private readonly StripedBuffer<RecordEvent> _events = new(Math.Max(4, 2 * Environment.ProcessorCount));
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, byte> _skipped = new();
    // Whether _skipped may hold anything: ConcurrentDictionary.IsEmpty takes every lock when the
    // dictionary is empty, which it nearly always is, and Started and Ended ask for every task.
    private int _skippedCount;
    private readonly Dictionary<Guid, RecordDraft> _drafts = []; // reused by each flush (under _flushing): drafts are structs in it
    private List<TaskRecord> _unsaved = [];
    private long _unsavedBytes;
    private int _flushQueued;

    public TaskRecorder(IServiceProvider services, IOptions<TaskStoreOptions> options, BulkOutbox bulk, ILogger<TaskRecorder> logger)
    {
        var settings = options.Value;
        settings.Validate();
        _store = settings.Kind == TaskStoreOptions.None ? null : (ITaskStore)services.GetService(typeof(ITaskStore))!;
        _offered = bulk.Peek;
        _maxResultBytes = settings.MaxResultBytes;
        _logger = logger;
        _metrics = services.GetService(typeof(Telemetry.ParallelMetrics)) as Telemetry.ParallelMetrics;
    }

    // The silo's task figures (ParallelMetrics) are counted where the records are: every task passes here.
    private readonly Telemetry.ParallelMetrics? _metrics;

    /// <summary>Whether records are kept at all (the store kind is not "none").</summary>
    public bool Enabled => _store is not null;

    /// <summary>
    /// The most bytes of a result's bulk arrays a record copies (-1 when records are off): such a result's
    /// reply waits for its arrays to be whole (<see cref="KeptResult"/>), so an isolated engine's process
    /// hands over only larger ones before their bytes (<see cref="Isolation.Protocol.FrameChannel"/>).
    /// </summary>
    public long KeptBulkBytes => _store is null ? -1 : _maxResultBytes;

    /// <summary>A task sent to one engine arrived there.</summary>
    public void Submitted(EngineTask task, int engineId)
    {
        _metrics?.Submitted();
        if (_store is null) return;
        if (task.Request is SkipRequest)
        {
            // A filler for a task the client could not send: the engine runs it like any task, but its
            // start and end must not make a record that says the lost task succeeded.
            if (_skipped.TryAdd(task.MsgId, 0)) Interlocked.Increment(ref _skippedCount);
            return;
        }
        Add(new RecordEvent(task.MsgId, engineId, task.Submitted, task.SessionId, task.Request, task.Label, null, null, null));
    }

    /// <summary>A load-balanced task arrived at this silo's queue.</summary>
    public void Submitted(BalancedTask task, Guid session)
    {
        _metrics?.Submitted();
        if (_store is null) return;
        Add(new RecordEvent(task.MsgId, -1, task.Submitted, session, task.Request, task.Label, Kept(task.Placement), null, null));
    }

    /// <summary>
    /// The placement as the record keeps it: the shared <see cref="TaskPlacement.Anywhere"/> for the
    /// usual task that may run anywhere, so a hundred thousand records do not each hold a copy.
    /// </summary>
    private static TaskPlacement Kept(TaskPlacement? placement) =>
        placement is null || (placement.Targets is null && placement.Excluded is not { Count: > 0 } && placement.Retries == 0
                              && placement.Timeout is null && placement.Require is null)
            ? TaskPlacement.Anywhere
            : placement;

    /// <summary>An engine started a task.</summary>
    public void Started(Guid msgId, int engineId, DateTime started)
    {
        if (_store is null || (Volatile.Read(ref _skippedCount) > 0 && _skipped.ContainsKey(msgId))) return;
        Add(new RecordEvent(msgId, engineId, started, default, null, null, null, null, null));
    }

    /// <summary>
    /// A task ended, and this is the reply its client gets. Call it before the reply is sent: a
    /// result offered in bulk is copied from the outbox, where the client's fetch would take it.
    /// </summary>
    public void Ended(TaskReply reply)
    {
        _metrics?.Ended(reply);
        if (_store is null) return;
        if (Volatile.Read(ref _skippedCount) > 0 && _skipped.TryRemove(reply.MsgId, out _))
        {
            Interlocked.Decrement(ref _skippedCount);
            return;
        }
        var kept = KeptResult.Of(reply.Result, _offered, _maxResultBytes);
        Add(new RecordEvent(reply.MsgId, reply.EngineId, DateTime.UtcNow, default, null, null, null, reply, kept));
    }

    /// <summary>
    /// One thing heard about a task: submitted (with a request), started (neither request nor reply)
    /// or ended (with the reply, and the result as the record keeps it).
    /// </summary>
    private readonly record struct RecordEvent(
        Guid MsgId, int EngineId, DateTime Time, Guid Session, EngineRequest? Request, string? Label,
        TaskPlacement? Placement, TaskReply? Reply, object? Kept);

    private void Add(RecordEvent e)
    {
        if (_events.Add(e) >= FlushAt && Interlocked.Exchange(ref _flushQueued, 1) == 0) FlushSoon();
    }

    private void FlushSoon()
    {
        _ = Task.Run(async () =>
        {
            try { await FlushAsync(); }
            finally { Volatile.Write(ref _flushQueued, 0); }
        });
    }

    /// <summary>Writes everything gathered so far to the store (tests and shutdown call it; a timer does otherwise).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        if (_store is null) return;
        await _flushing.WaitAsync(cancellationToken);
        try
        {
            if (_events.Count == 0 && _unsaved.Count == 0) return;
            // A task's submitted, started and ended usually all arrived since the last flush: one record.
            var drafts = _drafts;
            drafts.Clear();
            _events.TakeAll(drafts, Merge);
            // Unsaved records from a failed flush go first: a later piece of the same task must merge after them.
            var batch = _unsaved;
            var bytes = _unsavedBytes;
            foreach (var draft in drafts.Values)
            {
                batch.Add(draft.ToRecord());
                bytes += draft.Bytes;
            }
            drafts.Clear(); // the drafts' requests and results go with the batch, not with this table
            _unsaved = [];
            _unsavedBytes = 0;
            try
            {
                await _store.SaveAsync(batch, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogSaveFailed(_logger, e, batch.Count);
                Keep(batch, bytes);
            }
        }
        finally
        {
            _flushing.Release();
        }
    }

    /// <summary>Folds one event into its task's draft (the pieces may come in any order).</summary>
    private static void Merge(Dictionary<Guid, RecordDraft> drafts, in RecordEvent e)
    {
        ref var draft = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(drafts, e.MsgId, out var known);
        if (!known) draft = new RecordDraft(e.MsgId);
        if (e.Reply is { } reply) draft.Ended(reply, e.Kept, e.Time);
        else if (e.Request is { } request) draft.Submitted(e.Session, e.Time, request, e.Label, e.EngineId, e.Placement);
        else draft.Started(e.EngineId, e.Time);
    }

    /// <summary>Keeps a batch the store refused for the next flush, dropping the oldest past the bound.</summary>
    private void Keep(List<TaskRecord> batch, long bytes)
    {
        var dropped = 0;
        while (bytes > MaxUnsavedBytes && batch.Count > dropped)
        {
            bytes -= bytes / Math.Max(1, batch.Count - dropped); // records are about equal on average
            dropped++;
        }
        if (dropped > 0) LogDropped(_logger, dropped);
        // A new list: the refused one may still be read by a save that timed out here but runs there
        // (the in-memory store takes batches without copying them).
        _unsaved = batch.GetRange(dropped, batch.Count - dropped);
        _unsavedBytes = bytes;
    }

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(FlushEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token)) await FlushAsync(); // a save under way finishes even as the silo stops
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>Flushes from the silo's start; a last flush as it stops, while the store can still be reached.</summary>
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(TaskRecorder), ServiceLifecycleStage.Active,
            starting =>
            {
                if (_store is not null) _ = Task.Run(RunAsync, CancellationToken.None);
                return Task.CompletedTask;
            },
            async cancellationToken =>
            {
                await _stop.CancelAsync();
                try { await FlushAsync(cancellationToken); }
                catch (Exception e) { LogSaveFailed(_logger, e, 0); }
            });

    /// <summary>Stops the timer (the container may call this twice: the silo's lifecycle holds the same instance).</summary>
    public void Dispose() => _stop.Cancel();

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} task records could not be written to the task store; they are kept for the next try")]
    private static partial void LogSaveFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The task store has been unreachable for long: the {Count} oldest unsaved task records were dropped")]
    private static partial void LogDropped(ILogger logger, int count);
}
