using Orleans.Parallel.Engine;
using Orleans.Parallel.Grains.Scheduling;
using Orleans.Parallel.Grains.Scheduling.Schemes;
using Orleans.Parallel.Scheduling;
using TaskStatus = Orleans.Parallel.Engine.TaskStatus;

namespace Orleans.Parallel.Tests.Scheduling;

/// <summary>The task queue's decisions, pure (ipyparallel's TaskScheduler logic without I/O).</summary>
public sealed class TaskQueueTests
{
    private static readonly DateTime Now = new(2030, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    private static WaitingTask NewTask(TaskPlacement? placement = null, DateTime? deadline = null) =>
        new(new BalancedTask(Guid.NewGuid(), DateTime.UtcNow, new ClearRequest(), placement ?? TaskPlacement.Anywhere),
            Guid.NewGuid(), null!, deadline);

    private static WaitingTask Targeted(params int[] targets) => NewTask(TaskPlacement.Anywhere with { Targets = targets });

    private static WaitingTask WithRetries(int retries) => NewTask(TaskPlacement.Anywhere with { Retries = retries });

    private static TaskQueue Queue(int highWaterMark = 1, params int[] engines)
    {
        var queue = new TaskQueue(new LeastLoadScheme(), highWaterMark, new Random(1));
        var ended = new List<TaskQueue.Ending>();
        queue.SetEngines(engines.Length == 0 ? [0, 1, 2, 3] : engines, ended, Now);
        Assert.Empty(ended);
        return queue;
    }

    private static TaskReply Error(WaitingTask task, int engine, string type = "System.InvalidOperationException") =>
        new(task.MsgId, engine, TaskStatus.Error, null, new RemoteError(type, "boom", "", []), Now, Now, "", "", null);

    private static EngineReport Failed(int engine, int free, params TaskReply[] failures) =>
        new(engine, [], failures.Select(f => new BalancedFailure(f, null!)).ToArray(), free);

    private static EngineReport Done(int engine, int free, params Guid[] done) => new(engine, done, [], free);

    private static List<TaskQueue.Assignment> Assign(TaskQueue queue, List<TaskQueue.Ending> ended, int reporting = -1, int free = 0) =>
        queue.Assign(reporting, free, ended, Now);

    [Fact]
    public void Assign_HighWaterMarkOne_AtMostOneTaskPerEngine()
    {
        var queue = Queue(1, 0, 1, 2, 3);
        var tasks = Enumerable.Range(0, 10).Select(_ => NewTask()).ToArray();
        foreach (var t in tasks) queue.Add(t);
        var ended = new List<TaskQueue.Ending>();

        var assigned = Assign(queue, ended);

        Assert.Empty(ended);
        Assert.Equal(4, assigned.Count);
        Assert.Equal([0, 1, 2, 3], assigned.Select(a => a.Engine).Order());
        Assert.All(new[] { 0, 1, 2, 3 }, e => Assert.Equal(1, queue.LoadOf(e)));
        Assert.Equal(6, queue.WaitingCount);
        // Nothing more goes out until an engine reports.
        Assert.Empty(Assign(queue, ended));
    }

    [Fact]
    public void Assign_HighWaterMarkTwo_AtMostTwoPerEngine()
    {
        var queue = Queue(2, 0, 1);
        foreach (var t in Enumerable.Range(0, 10).Select(_ => NewTask())) queue.Add(t);
        var assigned = Assign(queue, []);
        Assert.Equal(4, assigned.Count);
        Assert.Equal(2, assigned.Count(a => a.Engine == 0));
        Assert.Equal(2, assigned.Count(a => a.Engine == 1));
    }

    [Fact]
    public void Assign_NoHighWaterMark_EverythingGoesOutSpread()
    {
        var queue = Queue(0, 0, 1);
        foreach (var t in Enumerable.Range(0, 10).Select(_ => NewTask())) queue.Add(t);
        var assigned = Assign(queue, []);
        Assert.Equal(10, assigned.Count);
        Assert.Equal(5, queue.LoadOf(0));
        Assert.Equal(5, queue.LoadOf(1));
        Assert.Equal(0, queue.WaitingCount);
    }

    [Fact]
    public void Assign_ManyTasks_FifoOrder()
    {
        var queue = Queue(1, 0, 1);
        var tasks = Enumerable.Range(0, 6).Select(_ => NewTask()).ToArray();
        foreach (var t in tasks) queue.Add(t);
        Assert.Equal(tasks.Select(t => t.MsgId), queue.Waiting);
        var ended = new List<TaskQueue.Ending>();

        var order = new List<Guid>();
        var first = Assign(queue, ended);
        order.AddRange(first.Select(a => a.Task.MsgId));
        var pending = new Queue<TaskQueue.Assignment>(first);
        while (pending.Count > 0)
        {
            var finished = pending.Dequeue();
            queue.Report(Done(finished.Engine, 0, finished.Task.MsgId), ended, Now);
            var next = Assign(queue, ended, finished.Engine, 1);
            order.AddRange(next.Select(a => a.Task.MsgId));
            foreach (var a in next) pending.Enqueue(a);
        }

        Assert.Empty(ended);
        Assert.Equal(tasks.Select(t => t.MsgId), order);
    }

    [Fact]
    public void Assign_LeastLoad_TiesGoToLeastRecentlyUsed()
    {
        var queue = Queue(1, 0, 1, 2);
        var a = NewTask();
        queue.Add(a);
        Assert.Equal(0, Assign(queue, []).Single().Engine);
        queue.Report(Done(0, 0, a.MsgId), [], Now);
        // Engine 0 was used last: the next task goes to 1, then 2, then 0.
        var next = Enumerable.Range(0, 3).Select(_ => NewTask()).ToArray();
        foreach (var t in next) queue.Add(t);
        Assert.Equal([1, 2, 0], Assign(queue, []).Select(x => x.Engine));
    }

    [Fact]
    public void Assign_TargetsBusy_LaterTasksNotBlocked()
    {
        var queue = Queue(1, 0, 1);
        var first = NewTask();
        var pinned = Targeted(0);
        var later = NewTask();
        queue.Add(first);
        queue.Add(pinned);
        queue.Add(later);
        var ended = new List<TaskQueue.Ending>();

        var assigned = Assign(queue, ended);

        Assert.Empty(ended);
        Assert.Equal([(0, first.MsgId), (1, later.MsgId)], assigned.Select(a => (a.Engine, a.Task.MsgId)));
        Assert.Equal([pinned.MsgId], queue.Waiting);

        // Once engine 0 reports, the pinned task goes there.
        queue.Report(Done(0, 0, first.MsgId), ended, Now);
        var next = Assign(queue, ended, 0, 1);
        Assert.Equal((0, pinned.MsgId), next.Select(a => (a.Engine, a.Task.MsgId)).Single());
    }

    [Fact]
    public void Assign_TargetsNotLive_EndsAsImpossible()
    {
        var queue = Queue(1, 0, 1);
        var task = Targeted(7, 8);
        var other = NewTask();
        queue.Add(task);
        queue.Add(other);
        var ended = new List<TaskQueue.Ending>();

        var assigned = Assign(queue, ended);

        var ending = Assert.Single(ended);
        Assert.Same(task, ending.Task);
        Assert.Equal(TaskStatus.Error, ending.Reply.Status);
        Assert.Equal(SchedulerErrors.Impossible, ending.Reply.Error!.ExceptionType);
        Assert.Contains("7, 8", ending.Reply.Error.Message);
        Assert.Equal(other.MsgId, assigned.Single().Task.MsgId);
        Assert.False(queue.Knows(task.MsgId));
    }

    [Fact]
    public void Assign_NoEnginesAtAll_TaskWaits()
    {
        var queue = new TaskQueue(new LeastLoadScheme(), 1, new Random(1));
        var task = Targeted(0);
        queue.Add(task);
        var ended = new List<TaskQueue.Ending>();
        Assert.Empty(Assign(queue, ended));
        Assert.Empty(ended);
        Assert.Equal([task.MsgId], queue.Waiting);
    }

    [Fact]
    public void Refused_OneTask_BackAtFrontAndEngineCountsFull()
    {
        var queue = Queue(1, 0, 1);
        var tasks = Enumerable.Range(0, 4).Select(_ => NewTask()).ToArray();
        foreach (var t in tasks) queue.Add(t);
        var ended = new List<TaskQueue.Ending>();
        var assigned = Assign(queue, ended);
        var toZero = assigned.Single(a => a.Engine == 0).Task;

        queue.Refused(0, [toZero]);

        Assert.Equal(0, queue.LoadOf(0));
        Assert.Equal([toZero.MsgId, tasks[2].MsgId, tasks[3].MsgId], queue.Waiting);
        // Engine 0 turned the queue away: nothing goes to it until it reports.
        Assert.Empty(Assign(queue, ended));
        var again = Assign(queue, ended, 0, 1);
        Assert.Equal((0, toZero.MsgId), again.Select(a => (a.Engine, a.Task.MsgId)).Single());
    }

    [Fact]
    public void Refused_SeveralTasks_BackAtFrontInOrder()
    {
        var queue = Queue(0, 0);
        var tasks = Enumerable.Range(0, 4).Select(_ => NewTask()).ToArray();
        foreach (var t in tasks) queue.Add(t);
        var assigned = Assign(queue, []);
        Assert.Equal(4, assigned.Count);
        var later = NewTask();
        queue.Add(later);

        queue.Refused(0, [tasks[2], tasks[3]]);

        Assert.Equal([tasks[2].MsgId, tasks[3].MsgId, later.MsgId], queue.Waiting);
        Assert.Equal(2, queue.LoadOf(0));
    }

    [Fact]
    public void ForgetFull_AfterRefusal_EngineGetsOffersAgain()
    {
        var queue = Queue(1, 0);
        var task = NewTask();
        queue.Add(task);
        queue.Refused(0, Assign(queue, []).Select(a => a.Task).ToArray());
        Assert.Empty(Assign(queue, []));
        queue.ForgetFull();
        Assert.Equal(task.MsgId, Assign(queue, []).Single().Task.MsgId);
    }

    [Fact]
    public void Report_FailureWithRetries_RequeuedExcludingThatEngine()
    {
        var queue = Queue(1, 0, 1);
        var task = WithRetries(1);
        queue.Add(task);
        var ended = new List<TaskQueue.Ending>();
        Assert.Equal(0, Assign(queue, ended).Single().Engine);

        queue.Report(Failed(0, 1, Error(task, 0)), ended, Now);

        Assert.Empty(ended);
        Assert.Equal([task.MsgId], queue.Waiting);
        Assert.Equal(0, task.RetriesLeft);
        Assert.False(task.Allows(0));
        Assert.Equal(0, queue.LoadOf(0));
        // Engine 0 reported room, but the retry must go elsewhere.
        var retry = Assign(queue, ended, 0, 1);
        Assert.Equal(1, retry.Single().Engine);
        Assert.False(task.ReportsFailure);
    }

    [Fact]
    public void Report_FailureWithoutRetries_EndsWithTheFailure()
    {
        var queue = Queue(1, 0, 1);
        var task = NewTask();
        queue.Add(task);
        var ended = new List<TaskQueue.Ending>();
        Assign(queue, ended);
        var failure = Error(task, 0);

        queue.Report(Failed(0, 1, failure), ended, Now);

        var ending = Assert.Single(ended);
        Assert.Same(task, ending.Task);
        Assert.Same(failure, ending.Reply);
        Assert.False(queue.Knows(task.MsgId));
        Assert.Equal(0, queue.LoadOf(0));
    }

    [Fact]
    public void Report_Unmet_RequeuedWithoutConsumingRetries()
    {
        var queue = Queue(1, 0, 1);
        var task = NewTask();
        queue.Add(task);
        var ended = new List<TaskQueue.Ending>();
        Assign(queue, ended);

        queue.Report(Failed(0, 1, Error(task, 0, SchedulerErrors.Unmet)), ended, Now);

        Assert.Empty(ended);
        Assert.Equal(0, task.RetriesLeft);
        Assert.True(task.LastUnmet);
        Assert.Equal(1, Assign(queue, ended, 0, 1).Single().Engine);
    }

    [Fact]
    public void Report_NotStarted_RequeuedWithoutConsumingRetries_AndEndsAsItsEngineErrorWhenNoneIsLeft()
    {
        var queue = Queue(1, 0, 1);
        var task = NewTask();
        queue.Add(task);
        var ended = new List<TaskQueue.Ending>();
        Assign(queue, ended);

        // Its engine was stopping (silo shutdown) before the task began: another engine gets it.
        queue.Report(Failed(0, 1, Error(task, 0, SchedulerErrors.NotStarted)), ended, Now);

        Assert.Empty(ended);
        Assert.Equal(0, task.RetriesLeft);
        Assert.False(task.LastUnmet);
        Assert.Equal(1, Assign(queue, ended, 0, 1).Single().Engine);
        queue.Report(Failed(1, 1, Error(task, 1, SchedulerErrors.NotStarted)), ended, Now);
        Assign(queue, ended, 0, 1);
        Assert.Equal(SchedulerErrors.NotStarted, Assert.Single(ended).Reply.Error!.ExceptionType);
    }

    [Fact]
    public void Report_UnmetOnEveryEngine_EndsAsImpossible()
    {
        var queue = Queue(1, 0, 1);
        var task = NewTask();
        queue.Add(task);
        var ended = new List<TaskQueue.Ending>();
        Assign(queue, ended);
        queue.Report(Failed(0, 1, Error(task, 0, SchedulerErrors.Unmet)), ended, Now);
        Assign(queue, ended, 0, 1);
        queue.Report(Failed(1, 1, Error(task, 1, SchedulerErrors.Unmet)), ended, Now);

        Assert.Empty(Assign(queue, ended, 1, 1));

        var ending = Assert.Single(ended);
        Assert.Equal(SchedulerErrors.Impossible, ending.Reply.Error!.ExceptionType);
        Assert.Contains("requirement", ending.Reply.Error.Message);
    }

    [Fact]
    public void Report_EveryEngineFailed_EndsWithLastError()
    {
        var queue = Queue(1, 0, 1);
        var task = WithRetries(5);
        queue.Add(task);
        var ended = new List<TaskQueue.Ending>();
        Assert.Equal(0, Assign(queue, ended).Single().Engine);
        queue.Report(Failed(0, 1, Error(task, 0)), ended, Now);
        Assert.Equal(1, Assign(queue, ended, 0, 1).Single().Engine);
        var last = Error(task, 1, "System.ArgumentException");

        queue.Report(Failed(1, 1, last), ended, Now);
        Assert.Empty(Assign(queue, ended, 1, 1));

        var ending = Assert.Single(ended);
        Assert.Same(last, ending.Reply);
        Assert.Equal(3, task.RetriesLeft);
        Assert.False(queue.Knows(task.MsgId));
    }

    [Fact]
    public void Report_FailureOfUnknownTask_Ignored()
    {
        var queue = Queue(1, 0);
        var ended = new List<TaskQueue.Ending>();
        var stranger = NewTask();
        queue.Report(Failed(0, 1, Error(stranger, 0)), ended, Now);
        queue.Report(Done(0, 1, Guid.NewGuid()), ended, Now);
        Assert.Empty(ended);
        Assert.Equal(0, queue.LoadOf(0));
    }

    [Fact]
    public void Expire_DeadlinePassed_EndsWaitingTaskWithTimeout()
    {
        var queue = Queue(1, 0);
        var busy = NewTask();
        var soon = NewTask(TaskPlacement.Anywhere with { Timeout = TimeSpan.FromMilliseconds(100) }, Now.AddMilliseconds(100));
        var later = NewTask(TaskPlacement.Anywhere with { Timeout = TimeSpan.FromSeconds(10) }, Now.AddSeconds(10));
        var never = NewTask();
        foreach (var t in new[] { busy, soon, later, never }) queue.Add(t);
        var ended = new List<TaskQueue.Ending>();
        Assert.Equal(busy.MsgId, Assign(queue, ended).Single().Task.MsgId);

        queue.Expire(Now.AddMilliseconds(50), ended);
        Assert.Empty(ended);

        queue.Expire(Now.AddSeconds(1), ended);

        var ending = Assert.Single(ended);
        Assert.Same(soon, ending.Task);
        Assert.Equal(TaskStatus.Error, ending.Reply.Status);
        Assert.Equal(SchedulerErrors.Timeout, ending.Reply.Error!.ExceptionType);
        Assert.Equal([later.MsgId, never.MsgId], queue.Waiting);
    }

    [Fact]
    public void Expire_AssignedTask_NotCutOff()
    {
        var queue = Queue(1, 0);
        var task = NewTask(TaskPlacement.Anywhere with { Timeout = TimeSpan.FromMilliseconds(10) }, Now.AddMilliseconds(10));
        queue.Add(task);
        var ended = new List<TaskQueue.Ending>();
        Assert.Single(Assign(queue, ended));

        queue.Expire(Now.AddMinutes(1), ended);

        Assert.Empty(ended);
        Assert.True(queue.Knows(task.MsgId));
    }

    [Fact]
    public void Expire_RefusedTaskPastDeadline_EndsWithTimeout()
    {
        var queue = Queue(1, 0);
        var task = NewTask(TaskPlacement.Anywhere with { Timeout = TimeSpan.FromMilliseconds(10) }, Now.AddMilliseconds(10));
        queue.Add(task);
        var ended = new List<TaskQueue.Ending>();
        queue.Refused(0, Assign(queue, ended).Select(a => a.Task).ToArray());

        queue.Expire(Now.AddSeconds(1), ended);

        Assert.Equal(SchedulerErrors.Timeout, Assert.Single(ended).Reply.Error!.ExceptionType);
    }

    [Fact]
    public void Abort_WaitingAndHeld_EndsWaitingReturnsHeldByEngine()
    {
        var queue = Queue(1, 0, 1);
        var tasks = Enumerable.Range(0, 5).Select(_ => NewTask()).ToArray();
        foreach (var t in tasks) queue.Add(t);
        var ended = new List<TaskQueue.Ending>();
        var assigned = Assign(queue, ended);

        var atEngines = queue.Abort([.. tasks.Select(t => t.MsgId), Guid.NewGuid()], ended, Now);

        Assert.Equal(3, ended.Count);
        Assert.Equal(tasks.Skip(2).Select(t => t.MsgId), ended.Select(e => e.Task.MsgId));
        Assert.All(ended, e => Assert.Equal(TaskStatus.Aborted, e.Reply.Status));
        Assert.All(ended, e => Assert.Equal(e.Task.MsgId, e.Reply.MsgId));
        Assert.Equal(0, queue.WaitingCount);
        Assert.Equal(assigned.Select(a => a.Engine).Order(), atEngines.Keys.Order());
        foreach (var a in assigned) Assert.Equal([a.Task.MsgId], atEngines[a.Engine]);
        // Held tasks stay held until their engine reports.
        Assert.True(queue.Knows(tasks[0].MsgId));
    }

    [Fact]
    public void SetEngines_EngineLeavesHoldingTaskWithRetries_Requeued()
    {
        var queue = Queue(1, 0, 1);
        var task = WithRetries(1);
        var busy = NewTask();
        queue.Add(task);
        queue.Add(busy);
        var ended = new List<TaskQueue.Ending>();
        var assigned = Assign(queue, ended);
        Assert.Equal(0, assigned.Single(a => a.Task == task).Engine);
        queue.Accepted(0, [task]);

        queue.SetEngines([1, 2], ended, Now);

        Assert.Empty(ended);
        Assert.Equal([task.MsgId], queue.Waiting);
        Assert.Equal(0, task.RetriesLeft);
        Assert.DoesNotContain(0, queue.Engines);
        // New engines count as least recently used.
        Assert.Equal(2, queue.Engines[0]);
        Assert.Equal(2, Assign(queue, ended).Single().Engine);
    }

    [Fact]
    public void SetEngines_EngineLeavesHoldingTaskWithoutRetries_EndsWithEngineGone()
    {
        var queue = Queue(1, 0, 1);
        var task = NewTask();
        queue.Add(task);
        var ended = new List<TaskQueue.Ending>();
        Assert.Equal(0, Assign(queue, ended).Single().Engine);
        queue.Accepted(0, [task]);

        queue.SetEngines([1], ended, Now);

        var ending = Assert.Single(ended);
        Assert.Same(task, ending.Task);
        Assert.Equal(SchedulerErrors.EngineGone, ending.Reply.Error!.ExceptionType);
        Assert.Equal(0, ending.Reply.EngineId);
        Assert.False(queue.Knows(task.MsgId));
    }

    [Fact]
    public void SetEngines_EngineLeavesWithTaskOnlyOffered_RequeuedWithoutCostingARetry()
    {
        var queue = Queue(1, 0, 1);
        var task = NewTask();
        queue.Add(task);
        var ended = new List<TaskQueue.Ending>();
        Assert.Equal(0, Assign(queue, ended).Single().Engine); // offered; the engine has not answered

        queue.SetEngines([1], ended, Now);

        Assert.Empty(ended);
        Assert.Equal([task.MsgId], queue.Waiting);
        Assert.Equal(0, task.RetriesLeft);
        Assert.Equal(1, Assign(queue, ended).Single().Engine);
    }

    [Fact]
    public void Refused_ByEngineThatLeft_AfterItsTaskMovedOn_ChangesNothing()
    {
        var queue = Queue(1, 0, 1);
        var task = NewTask();
        queue.Add(task);
        var ended = new List<TaskQueue.Ending>();
        Assign(queue, ended);
        queue.SetEngines([1], ended, Now);
        Assert.Equal(1, Assign(queue, ended).Single().Engine);

        queue.Refused(0, [task]); // the failed offer to the engine that left comes back late

        Assert.Empty(queue.Waiting);
        Assert.Equal(1, queue.LoadOf(1));
        queue.Report(Done(0, 1, task.MsgId), ended, Now); // and so does a report from it
        Assert.Equal(1, queue.LoadOf(1));
        queue.Report(Done(1, 1, task.MsgId), ended, Now);
        Assert.Equal(0, queue.LoadOf(1));
        Assert.False(queue.Knows(task.MsgId));
        Assert.Empty(ended);
    }

    [Fact]
    public void SetEngines_NewEngine_TakesWaitingTasks()
    {
        var queue = Queue(1, 0);
        var tasks = Enumerable.Range(0, 3).Select(_ => NewTask()).ToArray();
        foreach (var t in tasks) queue.Add(t);
        Assert.Single(Assign(queue, []));
        queue.SetEngines([0, 5], [], Now);
        var assigned = Assign(queue, []);
        Assert.Equal((5, tasks[1].MsgId), assigned.Select(a => (a.Engine, a.Task.MsgId)).Single());
    }

    [Fact]
    public void WaitingTask_Placement_AllowsTargetsMinusExcluded()
    {
        var task = NewTask(TaskPlacement.Anywhere with { Targets = [1, 2, 3], Excluded = [2] });
        Assert.False(task.Allows(0));
        Assert.True(task.Allows(1));
        Assert.False(task.Allows(2));
        Assert.True(task.Allows(3));
        Assert.Equal([1, 2, 3], task.Targets!.Order());
    }

    [Fact]
    public void WaitingTask_Retries_ReportsFailureWhileRetriesLeft()
    {
        var task = WithRetries(2);
        Assert.True(task.ReportsFailure);
        task.FailedOn(0, Error(task, 0), unmet: false, countsAsRetry: true);
        Assert.True(task.ReportsFailure);
        task.FailedOn(1, Error(task, 1), unmet: true, countsAsRetry: false);
        Assert.Equal(1, task.RetriesLeft);
        task.FailedOn(2, Error(task, 2), unmet: false, countsAsRetry: true);
        Assert.False(task.ReportsFailure);
        Assert.False(task.Allows(0) || task.Allows(1) || task.Allows(2));
        Assert.True(task.Allows(3));
    }
}
