using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Orleans.Parallel.Engine;
using Orleans.Runtime;

namespace Orleans.Parallel.Grains.Engine;

/// <summary>
/// The silo's one-way replies, gathered per client. A reply is queued and a flush is scheduled on
/// the thread pool; every reply queued by the time the flush runs (from any engine or queue on this
/// silo) goes to its client in one message. An idle silo pays one thread-pool hop per reply; a busy
/// one sends several replies per message, saving the send, the socket write and the client's
/// receive of all but one. Replies that might not fit a message do not come here (see
/// <see cref="ReplyDelivery"/>). Every reply sent here (one-way or not) first ends its task's
/// record in the silo's <see cref="Hub.TaskRecorder"/>.
/// </summary>
public sealed partial class ReplyOutbox(Hub.TaskRecorder recorder, ILogger<ReplyOutbox> logger)
{
    /// <summary>At most this many replies in one message.</summary>
    internal const int MaxBatch = 512;

    /// <summary>At most about this many bytes of strings in one message; a bigger reply goes alone.</summary>
    internal const int MaxBatchBytes = 1 << 20;

    private readonly ConcurrentQueue<(ITaskObserver Observer, TaskReply Reply)> _queue = new();
    private int _scheduled;

    /// <summary>
    /// Sends <paramref name="reply"/> the cheapest safe way: queued for a one-way batch when it
    /// cannot fail to travel (the task completes at once), else a two-way call of its own, whose
    /// failure (a result too large for a message) the caller sees.
    /// </summary>
    public Task SendAsync(ITaskObserver observer, TaskReply reply)
    {
        if (!ReplyDelivery.TravelsOneWay(reply))
        {
            recorder.Ended(reply);
            return DeliverAsync(observer, reply);
        }
        Send(observer, reply);
        return Task.CompletedTask;
    }

    /// <summary>How long a two-way reply waits before each new try after a transient failure.</summary>
    internal static readonly TimeSpan[] RetryPauses = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2)];

    /// <summary>
    /// Sends <paramref name="reply"/> by a two-way call, trying again after each pause when the call
    /// failed on the way (a gateway stopping with its silo cancels what it was carrying) rather than
    /// for what the reply holds. A client that got the reply already ignores it the second time.
    /// Every two-way reply an engine sends goes this way.
    /// </summary>
    internal static async Task DeliverAsync(ITaskObserver observer, TaskReply reply, IReadOnlyList<TimeSpan>? pauses = null)
    {
        pauses ??= RetryPauses;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await observer.OnTaskCompletedAsync(reply).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (attempt < pauses.Count && IsOnTheWay(e))
            {
                await Task.Delay(pauses[attempt]).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="send"/> for <paramref name="reply"/>; if the reply cannot travel (its result
    /// could not be written, or the call failed for good), sends an error reply in its place by a
    /// two-way call, so the client hears of the task either way. Failures are logged, never thrown.
    /// </summary>
    internal static async Task SendOrReportAsync(ITaskObserver observer, TaskReply reply, Func<Task> send, ILogger logger)
    {
        try
        {
            await send().ConfigureAwait(false);
            return;
        }
        catch (Exception e)
        {
            LogReplyFailed(logger, e, reply.MsgId, reply.EngineId);
            if (reply.Result is null) return; // nothing in it that an error could replace
            var error = new InvalidOperationException(
                $"The result ({reply.Result.GetType().FullName}) could not be sent back to the client: {e.Message}", e);
            reply = reply with { Status = Orleans.Parallel.Engine.TaskStatus.Error, Result = null, Error = Execution.RemoteErrors.From(error) };
        }
        try
        {
            await DeliverAsync(observer, reply).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogReplyFailed(logger, e, reply.MsgId, reply.EngineId);
        }
    }

    /// <summary>A failure of the call's journey, which another try may not meet.</summary>
    private static bool IsOnTheWay(Exception e) =>
        e is OperationCanceledException or TimeoutException or SiloUnavailableException or OrleansMessageRejectionException;

    /// <summary>Queues <paramref name="reply"/> for <paramref name="observer"/>; it must be one <see cref="ReplyDelivery.TravelsOneWay"/> accepts.</summary>
    public void Send(ITaskObserver observer, TaskReply reply)
    {
        Queue(observer, reply);
        if (Interlocked.Exchange(ref _scheduled, 1) == 0)
            ThreadPool.UnsafeQueueUserWorkItem(static outbox => outbox.Flush(), this, preferLocal: false);
    }

    /// <summary>
    /// Queues <paramref name="reply"/> as <see cref="Send"/> does, without scheduling its flush: the caller
    /// calls <see cref="FlushQueued"/> soon, on its own thread (an isolated engine's reader, which does it
    /// while the engine's process runs the next task, instead of waking a pool thread per reply).
    /// </summary>
    internal void Queue(ITaskObserver observer, TaskReply reply)
    {
        recorder.Ended(reply); // every reply that leaves for a client ends its task's record, before it leaves
        _queue.Enqueue((observer, reply));
    }

    /// <summary>Sends what is queued, here, unless a flush is already on its way (it takes them then).</summary>
    internal void FlushQueued()
    {
        if (!_queue.IsEmpty && Interlocked.Exchange(ref _scheduled, 1) == 0) Flush();
    }

    private void Flush()
    {
        // Cleared before draining: a reply queued from here on schedules the next flush itself.
        Volatile.Write(ref _scheduled, 0);
        if (!_queue.TryDequeue(out var item)) return;
        if (_queue.IsEmpty)
        {
            // One reply (an idle silo, or an isolated engine's reader flushing its own): no batch to build.
            Deliver(item.Observer, item.Reply, SendOne, 1);
            return;
        }
        var batches = new Dictionary<GrainId, Batch>();
        do
        {
            var id = item.Observer.GetGrainId();
            if (!batches.TryGetValue(id, out var batch)) batches[id] = batch = new Batch(item.Observer);
            var size = SizeOf(item.Reply);
            if (batch.Replies.Count == MaxBatch || (batch.Replies.Count > 0 && batch.Bytes + size > MaxBatchBytes))
            {
                Deliver(batch);
                batches[id] = batch = new Batch(item.Observer);
            }
            batch.Replies.Add(item.Reply);
            batch.Bytes += size;
        }
        while (_queue.TryDequeue(out item));
        foreach (var batch in batches.Values) Deliver(batch);
    }

    private void Deliver(Batch batch)
    {
        if (batch.Replies.Count == 1) Deliver(batch.Observer, batch.Replies[0], SendOne, 1);
        else Deliver(batch.Observer, batch.Replies.ToArray(), SendSeveral, batch.Replies.Count);
    }

    private static readonly Func<ITaskObserver, TaskReply, Task> SendOne = static (observer, reply) => observer.OnTaskEndedAsync(reply);
    private static readonly Func<ITaskObserver, TaskReply[], Task> SendSeveral = static (observer, replies) => observer.OnTasksEndedAsync(replies);

    private void Deliver<T>(ITaskObserver observer, T replies, Func<ITaskObserver, T, Task> send, int count)
    {
        try
        {
            var sent = send(observer, replies);
            if (!sent.IsCompletedSuccessfully) _ = ObserveAsync(sent, count);
        }
        catch (Exception e)
        {
            LogSendFailed(logger, e, count);
        }
    }

    private async Task ObserveAsync(Task sent, int count)
    {
        try { await sent.ConfigureAwait(false); }
        catch (Exception e) { LogSendFailed(logger, e, count); }
    }

    private static int SizeOf(TaskReply reply)
    {
        var chars = reply.Stdout.Length + reply.Stderr.Length + (reply.ExecuteResult?.Length ?? 0) + ((reply.Result as string)?.Length ?? 0);
        return 128 + 2 * chars + ((reply.Result as Orleans.Parallel.Wire.PackedArray)?.Data.Length ?? 0);
    }

    private sealed class Batch(ITaskObserver observer)
    {
        public ITaskObserver Observer { get; } = observer;
        public List<TaskReply> Replies { get; } = [];
        public int Bytes { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reply for task {MsgId} on engine {EngineId} could not be sent")]
    private static partial void LogReplyFailed(ILogger logger, Exception e, Guid msgId, int engineId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} task replies could not be sent to their client")]
    private static partial void LogSendFailed(ILogger logger, Exception exception, int count);
}
