using System.Collections.Concurrent;
using Orleans.Parallel.Errors;
using Orleans.Parallel.Results;
using Orleans.Parallel.Scheduling;
using Orleans.Parallel.Wire;

namespace Orleans.Parallel.Connection;

/// <summary>
/// Sends load-balanced tasks to the scheduler in batches (whatever was submitted while the last
/// batch was on its way goes in the next, in submission order), and keeps what it sent until the
/// reply arrives. Every few seconds it checks that the queues holding its tasks are the ones that
/// accepted them; a task whose queue was lost (its silo died) and that no engine holds is sent again.
/// </summary>
internal sealed class BalancedSubmitter : IAsyncDisposable
{
    private const int MaxBatch = 4096;

    /// <summary>
    /// The tasks of one batch count together at most this fraction (1/8) of a message's limit: each
    /// count is a lower bound, and what it leaves out (function descriptions, labels) adds to every task.
    /// </summary>
    private const int BatchShare = 8;

    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    private readonly IGrainFactory _grains;
    private readonly TaskDispatcher _dispatcher;
    private readonly Func<IReadOnlyList<Engine.IEngineGrain>> _engines;
    private readonly ConcurrentQueue<(PendingMessage Message, Task Ready, long Size)> _outbox = new();
    private readonly CancellationTokenSource _stop = new();
    private int _flushing;
    private int _watchStarted;
    private Task? _watch;

    public BalancedSubmitter(IGrainFactory grains, TaskDispatcher dispatcher, Func<IReadOnlyList<Engine.IEngineGrain>> engines)
    {
        _grains = grains;
        _dispatcher = dispatcher;
        _engines = engines;
    }

    /// <summary>Queues <paramref name="message"/> (its <see cref="PendingMessage.Balanced"/> task) to go once <paramref name="ready"/> (uploads, bulk sends) is done.</summary>
    /// <exception cref="MessageTooLargeException">The task does not fit one message; it failed and was not sent.</exception>
    public void Submit(PendingMessage message, Task ready)
    {
        var request = message.Balanced!.Request;
        var size = MessageSize.Estimate(request, stopAfter: _dispatcher.MaxMessageBodySize);
        if (size > _dispatcher.MaxMessageBodySize) _dispatcher.CheckSize(request, [message]); // throws unless a count of each object once fits
        _outbox.Enqueue((message, ready, size));
        if (_watch is null && Interlocked.CompareExchange(ref _watchStarted, 1, 0) == 0) _watch = WatchAsync();
        if (Interlocked.Exchange(ref _flushing, 1) == 0) ThreadPool.UnsafeQueueUserWorkItem(_ => _ = FlushAsync(), null);
    }

    private async Task FlushAsync()
    {
        while (true)
        {
            var batch = new List<PendingMessage>();
            long bytes = 0;
            while (batch.Count < MaxBatch && _outbox.TryPeek(out var next))
            {
                if (!next.Ready.IsCompleted)
                {
                    if (batch.Count > 0) break; // send what is ready; this one heads the next batch
                    await next.Ready.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }
                // Each task fits a message, but many large ones together would not.
                if (batch.Count > 0 && bytes + next.Size > _dispatcher.MaxMessageBodySize / BatchShare) break;
                bytes += next.Size;
                _outbox.TryDequeue(out _);
                var message = next.Message;
                if (message.IsDone) continue;
                if (message.AbortRequested)
                {
                    // Aborted before it left: it never reaches a queue.
                    _dispatcher.Fail(message, new TaskAbortedException(-1, message.MsgId));
                    continue;
                }
                if (message.BulkSent.IsFaulted)
                {
                    var cause = message.BulkSent.Exception!.InnerException!;
                    _dispatcher.Fail(message, new EngineException(-1, $"Task {message.MsgId} could not send its arrays to the silo: {cause.Message}", cause));
                    continue;
                }
                batch.Add(message);
            }
            if (batch.Count > 0) await SendAsync(batch).ConfigureAwait(false);
            if (!_outbox.IsEmpty) continue;
            Volatile.Write(ref _flushing, 0);
            // A submission that came in after the check above found the flag still set: take it over.
            if (_outbox.IsEmpty || Interlocked.Exchange(ref _flushing, 1) == 1) return;
        }
    }

    private async Task SendAsync(List<PendingMessage> batch)
    {
        try
        {
            var tasks = batch.Select(m => m.Balanced!).ToArray();
            var ticket = await _grains.GetGrain<ISchedulerGrain>(0).SubmitAsync(new BalancedBatch(_dispatcher.SessionId, _dispatcher.Observer, tasks)).ConfigureAwait(false);
            foreach (var message in batch)
            {
                message.Queue = ticket;
                message.Delivered();
            }
            // Aborted while the batch was on its way: the queue now holds them and ends them (if no engine has started them).
            Interlocked.MemoryBarrier();
            var aborted = batch.Where(m => m.AbortRequested && !m.IsDone).Select(m => m.MsgId).ToArray();
            if (aborted.Length > 0) await _grains.GetGrain<ITaskQueueGrain>(ticket.Queue).AbortAsync(aborted).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            foreach (var message in batch)
                _dispatcher.Fail(message, new EngineException(-1, $"Task {message.MsgId} could not reach the scheduler: {e.Message}", e));
        }
    }

    /// <summary>Ends the held or queued tasks among <paramref name="messages"/> as aborted (those running finish).</summary>
    public async Task AbortAsync(IEnumerable<PendingMessage> messages)
    {
        var atQueues = new List<PendingMessage>();
        foreach (var message in messages.Where(m => !m.IsDone))
        {
            if (message.Hold is { } hold)
            {
                try { await hold.CancelAsync().ConfigureAwait(false); }
                catch (ObjectDisposedException) { /* it left the hold just now and went to a queue */ }
            }
            // Flag first, then look for the queue: the sender sets the queue, then looks at the flag,
            // so a task on its way is aborted by one side or the other (possibly both, harmlessly).
            message.AbortRequested = true;
            Interlocked.MemoryBarrier();
            if (message.Queue is not null) atQueues.Add(message);
        }
        await Task.WhenAll(atQueues.GroupBy(m => m.Queue!.Queue).Select(g =>
            _grains.GetGrain<ITaskQueueGrain>(g.Key).AbortAsync(g.Select(m => m.MsgId).ToArray()))).ConfigureAwait(false);
    }

    /// <summary>Checks the queues holding this client's tasks every few seconds while it has any.</summary>
    private async Task WatchAsync()
    {
        using var timer = new PeriodicTimer(CheckEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                try { await CheckQueuesAsync().ConfigureAwait(false); }
                catch (Exception) { /* the cluster may be changing; check again next tick */ }
            }
        }
        catch (OperationCanceledException) { }
    }

    internal async Task CheckQueuesAsync()
    {
        var held = _dispatcher.Outstanding.Where(m => m.Queue is not null && m.Balanced is not null && !m.IsDone).ToArray();
        if (held.Length == 0) return;
        var lost = new List<PendingMessage>();
        foreach (var group in held.GroupBy(m => m.Queue!.Queue))
        {
            var epoch = await _grains.GetGrain<ITaskQueueGrain>(group.Key).EpochAsync().WaitAsync(CheckTimeout).ConfigureAwait(false);
            lost.AddRange(group.Where(m => m.Queue!.Epoch != epoch));
        }
        if (lost.Count == 0) return;
        // The queue is gone, but an engine may have taken a task before it went: that one still answers.
        var statuses = await Task.WhenAll(_engines().Select(async e =>
        {
            try { return await e.QueueStatusAsync().WaitAsync(CheckTimeout).ConfigureAwait(false); }
            catch (Exception) { return null; }
        })).ConfigureAwait(false);
        var atEngines = statuses.OfType<Engine.EngineQueueStatus>()
            .SelectMany(s => s.Queued.Append(s.Running ?? Guid.Empty)).ToHashSet();
        foreach (var message in lost.Where(m => !atEngines.Contains(m.MsgId) && !m.IsDone))
        {
            message.Queue = null;
            Submit(message, Task.CompletedTask);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_watch is not null) await _watch.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }
}
