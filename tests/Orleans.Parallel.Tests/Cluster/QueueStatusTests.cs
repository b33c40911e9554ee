using System.Diagnostics;
using Orleans.Parallel.Errors;
using TaskStatus = Orleans.Parallel.Engine.TaskStatus;

namespace Orleans.Parallel.Tests.Cluster;

/// <summary>Queue status and abort reach an engine while it is busy with a long task.</summary>
[Collection(ClusterCollection.Name)]
public sealed class QueueStatusTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(10);

    private ParallelClient Rc => fixture.Client;

    /// <summary>Waits until engine <paramref name="engineId"/> holds exactly <paramref name="count"/> queued tasks.</summary>
    private Task QueuedAsync(int engineId, int count) =>
        ClusterAssert.EventuallyAsync(async () => (await Rc[engineId].QueueStatusAsync()).Queued.Count == count,
            $"engine {engineId} has {count} queued task(s)");

    [Fact]
    public async Task QueueStatusAndAbort_EngineBusy_AnsweredAtOnceAndQueuedTasksAborted()
    {
        var engine = Rc[1];
        var running = engine.ApplyAsync(() => { Thread.Sleep(2000); return "long done"; });
        await ClusterAssert.RunningAsync(Rc, 1, running);
        var queuedApply = engine.ApplyAsync((int x) => x + 1, 1);
        var queuedExecute = engine.ExecuteAsync("var qs_never_ran = 1;");
        await QueuedAsync(1, 2);

        var clock = Stopwatch.StartNew();
        var status = await engine.QueueStatusAsync();
        var all = await Rc[..].QueueStatusAsync();
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromMilliseconds(500));

        Assert.Equal(1, status.EngineId);
        Assert.Equal(running.MsgIds[0], status.Running);
        // Which of the two arrives first is OrderingTests' subject; here both must be queued behind the running one.
        Assert.Equal(new[] { queuedApply.MsgIds[0], queuedExecute.MsgIds[0] }.Order(), status.Queued.Order());
        Assert.Equal([0, 1, 2, 3], all.Select(s => s.EngineId));
        Assert.Equal(running.MsgIds[0], all[1].Running);
        Assert.All(new[] { all[0], all[2], all[3] }, s => { Assert.Null(s.Running); Assert.Empty(s.Queued); });
        Assert.False(running.Ready);

        clock.Restart();
        var aborted = await engine.AbortAsync();
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromMilliseconds(500));
        Assert.Equal(2, aborted);

        var applyError = await Assert.ThrowsAsync<TaskAbortedException>(async () => await queuedApply);
        Assert.Equal(1, applyError.EngineId);
        Assert.Equal(queuedApply.MsgIds[0], applyError.MsgId);
        var executeError = await Assert.ThrowsAsync<TaskAbortedException>(async () => await queuedExecute);
        Assert.Equal(queuedExecute.MsgIds[0], executeError.MsgId);
        Assert.Equal(TaskStatus.Aborted, Assert.Single(queuedApply.Metadata).Status);
        Assert.Null(queuedApply.Metadata[0].Started);
        Assert.False(queuedApply.Successful);
        Assert.False(running.Ready);

        Assert.Equal("long done", await running);
        Assert.True(running.Successful);
        Assert.Equal(TaskStatus.Ok, Assert.Single(running.Metadata).Status);

        var after = await engine.QueueStatusAsync();
        Assert.Null(after.Running);
        Assert.Empty(after.Queued);
        var neverRan = await Assert.ThrowsAsync<RemoteException>(async () => await engine.PullAsync<int>("qs_never_ran"));
        Assert.Contains("'qs_never_ran'", neverRan.RemoteMessage);
        Assert.Equal(2, await engine.ApplyAsync((int x) => x + 1, 1));
    }

    [Fact]
    public async Task ResultAbort_QueuedBehindLongTask_AbortsOnlyThatResult()
    {
        var running = Rc[2].ApplyAsync(() => { Thread.Sleep(700); return 0; });
        await ClusterAssert.RunningAsync(Rc, 2, running);
        var doomed = Rc[2].ApplyAsync((int x) => x, 1);
        var kept = Rc[2].ApplyAsync((int x) => x, 2);
        await QueuedAsync(2, 2);

        await doomed.AbortAsync();

        var error = await Assert.ThrowsAsync<TaskAbortedException>(async () => await doomed);
        Assert.Equal(2, error.EngineId);
        Assert.Equal([kept.MsgIds[0]], (await Rc[2].QueueStatusAsync()).Queued);
        Assert.Equal(2, await kept);
        Assert.Equal(0, await running);
    }

    [Fact]
    public async Task DirectViewAbort_TwoBusyEngines_AbortsQueuedOnBoth()
    {
        var view = Rc[new[] { 0, 3 }];
        var running = view.ApplyAsync((int ms) => { Thread.Sleep(ms); return ms; }, 700);
        await ClusterAssert.RunningAsync(Rc, 0, running);
        await ClusterAssert.RunningAsync(Rc, 3, running, index: 1);
        var queued = view.ExecuteAsync("var qs_view_never = 1;");
        await QueuedAsync(0, 1);
        await QueuedAsync(3, 1);

        Assert.Equal(2, await view.AbortAsync());

        var error = await Assert.ThrowsAsync<CompositeException>(async () => await queued);
        Assert.Equal([0, 3], error.Errors.Select(e => Assert.IsType<TaskAbortedException>(e).EngineId));
        Assert.Equal([700, 700], await running);
    }

    [Fact]
    public async Task Abort_NothingQueued_ReturnsZeroAndFinishedResultsStayOk()
    {
        var done = Rc[3].ApplyAsync((int x) => x * 2, 4);
        Assert.Equal(8, await done);

        await done.AbortAsync();

        Assert.Equal(0, await Rc[3].AbortAsync());
        Assert.Equal(0, await Rc[..].AbortAsync());
        Assert.True(done.Successful);
        Assert.Equal(8, done.Get(TimeSpan.Zero));
    }

    [Fact]
    public async Task QueueStatus_CompletedCount_GrowsByOnePerTask()
    {
        var before = (await Rc[2].QueueStatusAsync()).Completed;
        await Rc[2].ExecuteAsync("var qs_count1 = 1;");
        await Rc[2].PullAsync<int>("qs_count1");
        await Assert.ThrowsAsync<RemoteException>(async () => await Rc[2].PullAsync<int>("qs_count_missing"));
        Assert.Equal(before + 3, (await Rc[2].QueueStatusAsync()).Completed);
    }

    [Fact]
    public async Task Engine_TwoTasks_RunOneAtATime()
    {
        var first = Rc[0].ApplyAsync((int ms) => { Thread.Sleep(ms); return 1; }, 200);
        var second = Rc[0].ApplyAsync((int ms) => { Thread.Sleep(ms); return 2; }, 200);
        await first;
        await second;

        var (a, b) = (first.Metadata[0], second.Metadata[0]);
        var (earlier, later) = a.Started <= b.Started ? (a, b) : (b, a);
        Assert.True(earlier.Completed <= later.Started, $"tasks overlapped: {earlier.Started:O}-{earlier.Completed:O} and {later.Started:O}-{later.Completed:O}");
    }

    [Fact]
    public async Task Engines_OneBusy_OthersKeepWorking()
    {
        var busy = Rc[3].ApplyAsync(() => { Thread.Sleep(800); return 0; });
        await ClusterAssert.RunningAsync(Rc, 3, busy);

        var quick = Rc[2].ApplyAsync((int x) => x, 5);
        Assert.True(quick.Wait(TimeSpan.FromMilliseconds(700)), "engine 2 was held up by busy engine 3");
        Assert.False(busy.Ready);
        Assert.Equal(0, await busy);
    }
}
