using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Configuration;
using Orleans.Parallel.Broadcast;
using Orleans.Parallel.Engine;
using Orleans.Parallel.Grains.Engine;
using Orleans.Parallel.Grains.Registry;
using Orleans.Parallel.Grains.Scheduling.Placement;
using Orleans.Parallel.Scheduling;
using Orleans.Parallel.Wire;
using Orleans.Serialization;
using TaskStatus = Orleans.Parallel.Engine.TaskStatus;

namespace Orleans.Parallel.Grains.Broadcast;

/// <summary>
/// A silo's broadcast point (<see cref="IBroadcastGrain"/>): one message from the client brings a
/// request for many of this silo's engines. Each engine gets its task in its own turn order, as a
/// submission call would give it, but without a message, a copy of the request or a reply message
/// of its own; the replies go back together, as many as fit one message (the others follow one by one
/// through the observer). Reentrant: broadcasts from many clients overlap.
/// </summary>
[Reentrant, SiloBoundPlacement]
public sealed class BroadcastGrain(LocalEngines local, DeepCopier<EngineRequest> copier, IOptions<SiloMessagingOptions> messaging, ILogger<BroadcastGrain> logger)
    : Grain, IBroadcastGrain
{
    /// <summary>
    /// The most bytes of replies the call carries back (a lower bound each, <see cref="MessageSize"/>):
    /// half of Orleans' message limit, as the count is a lower bound. Each reply fits a message (its
    /// engine checked), but several together may not, and a message over the limit would be lost in
    /// the connection's send loop, closing the connection.
    /// </summary>
    private readonly long _replyBudget = messaging.Value.MaxMessageBodySize / 2;

    /// <summary>How long the call waits to carry the replies itself before leaving the late ones to the observer (as a submission call does).</summary>
    private static readonly TimeSpan InlineReplyWait = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Once some replies are in, how long the call waits for another before it returns those it has:
    /// one slow engine must not hold back the others' results (progress counts them as they end).
    /// </summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(50);

    public async Task<IReadOnlyList<TaskReply?>> SubmitAsync(EngineBroadcast broadcast, ITaskObserver observer)
    {
        var count = broadcast.Targets.Count;
        var replies = new TaskReply?[count];
        var engines = new EngineGrain?[count];
        var accepted = new Task<QueuedTask>?[count];
        var elsewhere = new Task<TaskReply?>?[count];
        var shared = SharedRequests.Shareable(broadcast.Request);
        for (var i = 0; i < count; i++)
        {
            var target = broadcast.Targets[i];
            if (local.TryGetActivation(target.Incarnation, out var engine))
            {
                engines[i] = engine;
                // Each engine gets its own copy of what the request holds (a pushed list is one
                // object per namespace), as separate messages gave it; the first takes the original,
                // and all take it when nothing in it can be changed.
                accepted[i] = engine.AcceptInTurn(broadcast.TaskFor(i, i == 0 || shared ? null : copier.Copy(broadcast.Request)), observer);
            }
            else
            {
                // Not (or no longer) on this silo, e.g. this grain stands in for a silo that is gone:
                // the ordinary call, which reaches the engine wherever it is or fails saying why.
                elsewhere[i] = GrainFactory.GetGrain<IEngineGrain>(target.Incarnation).SubmitAsync(broadcast.TaskFor(i), observer);
            }
        }

        var waiting = new List<Task>(count);
        var queued = new QueuedTask?[count];
        for (var i = 0; i < count; i++)
        {
            if (accepted[i] is not { } acceptance) continue;
            try
            {
                queued[i] = await acceptance;
                waiting.Add(queued[i]!.InlineReply!.Task);
            }
            catch (Exception e)
            {
                replies[i] = Unreached(broadcast, i, e);
            }
        }
        waiting.AddRange(elsewhere.OfType<Task<TaskReply?>>());
        await GatherAsync(waiting);

        for (var i = 0; i < count; i++)
        {
            if (queued[i] is { } task)
                replies[i] = task.InlineReply?.Task is { IsCompletedSuccessfully: true } done ? done.Result : await engines[i]!.DetachInTurn(task);
            else if (elsewhere[i] is { } call)
            {
                try { replies[i] = await call; }
                catch (Exception e) { replies[i] = Unreached(broadcast, i, e); }
            }
        }
        SendOverBudgetAlone(replies, observer);
        return replies;
    }

    /// <summary>
    /// Keeps in the call's answer the replies that fit <see cref="_replyBudget"/> together, in target
    /// order; each of the others goes to the observer in a message of its own (its place in the answer
    /// is null, as for a reply that came late), so no reply is lost to the size of the others.
    /// </summary>
    private void SendOverBudgetAlone(TaskReply?[] replies, ITaskObserver observer)
    {
        long bytes = 0;
        for (var i = 0; i < replies.Length; i++)
        {
            if (replies[i] is not { } reply) continue;
            bytes += SizeOf(reply);
            if (bytes <= _replyBudget) continue;
            replies[i] = null;
            // Already recorded as ended (inline replies are): delivered, not sent through the recording outbox.
            _ = Engine.ReplyOutbox.SendOrReportAsync(observer, reply, () => Engine.ReplyOutbox.DeliverAsync(observer, reply), logger);
        }
    }

    /// <summary>
    /// A lower bound of a reply's bytes in a message, its result and its texts, counted no further than
    /// the budget: the quick count, which costs a few type tests for the usual small result and allocates
    /// nothing (it may count a shared object twice, which can only send a reply alone that would have fit).
    /// </summary>
    private long SizeOf(TaskReply reply) =>
        64 + MessageSize.Estimate(reply.Result, _replyBudget)
        + reply.Stdout.Length + reply.Stderr.Length + (reply.ExecuteResult?.Length ?? 0)
        + (reply.Error is { } error ? error.Message.Length + error.StackTrace.Length : 0);

    /// <summary>
    /// Waits until every reply is in; or, once some are, until none came for <see cref="Quiet"/>; or
    /// at most <see cref="InlineReplyWait"/>. What is not in by then goes to the observer.
    /// </summary>
    private static async Task GatherAsync(List<Task> waiting)
    {
        var all = Task.WhenAll(waiting);
        var until = DateTime.UtcNow + InlineReplyWait;
        var done = 0;
        while (!all.IsCompleted && DateTime.UtcNow < until)
        {
            await Task.WhenAny(all, Task.Delay(Quiet));
            if (all.IsCompleted) break;
            var now = waiting.Count(t => t.IsCompleted);
            if (now > 0 && now == done) break;
            done = now;
        }
    }

    /// <summary>The reply of a target whose engine could not take its task (it stopped, or its silo is gone).</summary>
    private static TaskReply Unreached(EngineBroadcast broadcast, int index, Exception e)
    {
        var target = broadcast.Targets[index];
        return new TaskReply(target.MsgId, target.EngineId, TaskStatus.Error, null,
            new RemoteError(SchedulerErrors.EngineGone, $"Task {target.MsgId} could not reach engine {target.EngineId}: {e.Message}", "", []),
            null, DateTime.UtcNow, "", "", null);
    }
}
