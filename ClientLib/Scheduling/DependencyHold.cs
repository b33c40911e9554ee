using Orleans.Parallel.Connection;
using Orleans.Parallel.Errors;
using Orleans.Parallel.Results;
using TaskStatus = Orleans.Parallel.Engine.TaskStatus;

namespace Orleans.Parallel.Scheduling;

/// <summary>
/// Holds a load-balanced task on the client until its <c>After</c> and <c>Follow</c> dependencies
/// decide: then it is submitted (to the engines <c>Follow</c> allows), or it fails. The client sees
/// the end of every task it submitted, so it mostly decides without asking the cluster; a task it
/// does not know (another client's, or one that ended long ago) is resolved through the hub's
/// records, as ipyparallel's scheduler does. A task held here belongs to its session, which the
/// engines would abort anyway if the client went away. Its timeout counts from submission, here and
/// then in the queue.
/// </summary>
internal static class DependencyHold
{
    /// <summary>
    /// Starts holding <paramref name="message"/>. <paramref name="submit"/> gets the engines it may
    /// use and the rest of its timeout once the dependencies are met.
    /// </summary>
    /// <paramref name="resolve"/> gives messages for tasks the client does not know, from their records
    /// (a <see cref="KeyNotFoundException"/> when no task has such an id).
    public static void Start(TaskDispatcher dispatcher, PendingMessage message, Dependency? after, Dependency? follow,
        IReadOnlyList<int>? viewTargets, TimeSpan? timeout, Action<IReadOnlyList<int>?, TimeSpan?> submit,
        Func<IReadOnlyList<Guid>, Task<PendingMessage[]>> resolve)
    {
        var ended = new Dictionary<Guid, (bool Ok, int Engine)>();
        var waiting = new Dictionary<Guid, PendingMessage>();
        var unknown = new List<Guid>();
        foreach (var dependency in new[] { after, follow }.OfType<Dependency>())
        {
            var given = dependency.Messages?.ToDictionary(m => m.MsgId);
            foreach (var id in dependency.MsgIds)
            {
                if (id == message.MsgId)
                {
                    Fail(dispatcher, message, new InvalidDependencyException(id, $"Task {id} depends on itself."));
                    return;
                }
                if (ended.ContainsKey(id) || waiting.ContainsKey(id) || unknown.Contains(id)) continue;
                if (given?.TryGetValue(id, out var known) == true || dispatcher.TryGetOutstanding(id, out known)) waiting[id] = known;
                else if (dispatcher.Recent.TryGet(id, out var outcome)) ended[id] = (outcome.Status == TaskStatus.Ok, outcome.EngineId);
                else unknown.Add(id); // another client's task, or one that ended long ago: its record tells
            }
        }
        message.Hold = new CancellationTokenSource();
        _ = HoldAsync(dispatcher, message, after, follow, viewTargets, timeout, ended, waiting, submit, unknown, resolve);
    }

    private static async Task HoldAsync(TaskDispatcher dispatcher, PendingMessage message, Dependency? after, Dependency? follow,
        IReadOnlyList<int>? viewTargets, TimeSpan? timeout, Dictionary<Guid, (bool Ok, int Engine)> ended,
        Dictionary<Guid, PendingMessage> waiting, Action<IReadOnlyList<int>?, TimeSpan?> submit,
        List<Guid> unknown, Func<IReadOnlyList<Guid>, Task<PendingMessage[]>> resolve)
    {
        var hold = message.Hold!;
        try
        {
            if (unknown.Count > 0)
            {
                if (await ResolveAsync(unknown, resolve, hold.Token).ConfigureAwait(false) is not { } resolved)
                {
                    Fail(dispatcher, message, new InvalidDependencyException(message.MsgId,
                        $"Task {message.MsgId} depends on {string.Join(", ", unknown)}, of which the cluster has no record after {RecordGrace.TotalSeconds:0} s: " +
                        "never submitted, or purged (or lost with a memory task store's silo)."));
                    return;
                }
                foreach (var known in resolved) waiting[known.MsgId] = known; // ended ones move to 'ended' below
            }
            while (true)
            {
                foreach (var done in waiting.Values.Where(m => m.IsDone).ToArray())
                {
                    waiting.Remove(done.MsgId);
                    ended[done.MsgId] = (done.LocalError is null && done.Done?.Status == TaskStatus.Ok, done.EngineId);
                }
                var decision = DependencyDecision.Decide(message.MsgId, after, follow, ended, viewTargets);
                if (decision.Impossible is { } why)
                {
                    Fail(dispatcher, message, new ImpossibleDependencyException(message.MsgId, why));
                    return;
                }
                var left = timeout - (DateTime.UtcNow - message.Submitted);
                if (decision.Ready)
                {
                    submit(decision.Targets, left is null ? null : left < TimeSpan.Zero ? TimeSpan.Zero : left);
                    return;
                }
                if (left <= TimeSpan.Zero) throw new TimeoutException();
                var next = Task.WhenAny(waiting.Values.Select(m => m.Reply));
                await (left is { } wait ? next.WaitAsync(wait, hold.Token) : next.WaitAsync(hold.Token)).ConfigureAwait(false);
            }
        }
        catch (TimeoutException)
        {
            Fail(dispatcher, message, new TaskTimeoutException(message.MsgId,
                $"Task {message.MsgId} waited longer than its timeout of {timeout} for its dependencies."));
        }
        catch (OperationCanceledException)
        {
            Fail(dispatcher, message, new TaskAbortedException(-1, message.MsgId));
        }
        catch (Exception e)
        {
            Fail(dispatcher, message, new EngineException(-1, $"Task {message.MsgId} could not be submitted: {e.Message}", e));
        }
        finally
        {
            message.Hold = null;
            hold.Dispose();
        }
    }

    /// <summary>
    /// How long a task another client has just submitted may take to be recorded: silos write their
    /// records every 0.1 s, later on a loaded machine. An id still unknown after it names no task.
    /// </summary>
    internal static readonly TimeSpan RecordGrace = TimeSpan.FromSeconds(10);

    /// <summary>Messages for <paramref name="ids"/> from their records, asking again while some are not recorded yet; null when some never are.</summary>
    private static async Task<PendingMessage[]?> ResolveAsync(List<Guid> ids, Func<IReadOnlyList<Guid>, Task<PendingMessage[]>> resolve, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + RecordGrace;
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            try
            {
                return await resolve(ids).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (KeyNotFoundException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                if (delay < TimeSpan.FromSeconds(1)) delay *= 2;
            }
            catch (KeyNotFoundException)
            {
                return null;
            }
        }
    }

    private static void Fail(TaskDispatcher dispatcher, PendingMessage message, Exception error) => dispatcher.Fail(message, error);
}
