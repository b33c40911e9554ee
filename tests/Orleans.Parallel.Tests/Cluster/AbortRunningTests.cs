using Orleans.Parallel.Errors;

namespace Orleans.Parallel.Tests.Cluster;

/// <summary>
/// Aborting tasks that are already running (beyond ipyparallel, which aborts only queued ones): a
/// function's CancellationToken parameter and a script's CancellationToken are cancelled; a task
/// that ignores its token is reported as still running.
/// </summary>
[Collection(ClusterCollection.Name)]
public class AbortRunningTests(ClusterFixture fixture)
{
    private ParallelClient Rc => fixture.Client;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Waits until the engine reports the task running.</summary>
    private async Task RunningAsync(int engine, Guid msgId)
    {
        await ClusterAssert.EventuallyAsync(async () => (await Rc.QueueStatusAsync([engine], verbose: true)).Engines[0].Running == msgId, $"task {msgId} runs on engine {engine}");
    }

    [Fact]
    public async Task Abort_RunningFunctionThatTakesAToken_EndsAborted_AndTheEngineGoesOn()
    {
        var ar = Rc[1].ApplyAsync((int limit, CancellationToken token) =>
        {
            for (var i = 0; i < limit; i++)
            {
                token.ThrowIfCancellationRequested();
                Thread.Sleep(10);
            }
            return -1;
        }, 100_000, CancellationToken.None);
        await RunningAsync(1, ar.MsgIds[0]);

        var outcome = await ar.AbortAsync(Patience);

        Assert.True(outcome.AllEnded);
        Assert.Equal(ar.MsgIds, outcome.Ended);
        var aborted = await Assert.ThrowsAsync<TaskAbortedException>(() => ar.AsTask());
        Assert.True(aborted.WhileRunning);
        Assert.Contains("aborted while it ran", aborted.Message);
        Assert.DoesNotContain("before it ran", aborted.Message);
        Assert.Equal(5, await Rc[1].ApplyAsync(() => 5)); // the engine takes the next task at once
    }

    [Fact]
    public async Task Abort_RunningAsyncFunction_ItsAwaitIsCancelled()
    {
        var ar = Rc[2].ApplyAsync(async (CancellationToken token) =>
        {
            await Task.Delay(TimeSpan.FromMinutes(5), token);
            return 1;
        }, default);
        await RunningAsync(2, ar.MsgIds[0]);

        Assert.True((await ar.AbortAsync(Patience)).AllEnded);
        await Assert.ThrowsAsync<TaskAbortedException>(() => ar.AsTask());
    }

    [Fact]
    public async Task Abort_RunningScript_ThatChecksItsToken_EndsAborted_AndTheNamespaceKeepsWhatItHad()
    {
        await Rc[3].ExecuteAsync("var before = 11;");
        var ar = Rc[3].ExecuteAsync("var spins = 0; while (true) { CancellationToken.ThrowIfCancellationRequested(); spins++; System.Threading.Thread.Sleep(5); }");
        await RunningAsync(3, ar.MsgIds[0]);

        Assert.True((await ar.AbortAsync(Patience)).AllEnded);
        await Assert.ThrowsAsync<TaskAbortedException>(() => ar.AsTask());
        Assert.Equal(11, await Rc[3].PullAsync<int>("before"));
    }

    [Fact]
    public async Task Abort_RunningTaskThatIgnoresItsToken_IsReportedStillRunning_ThenFinishes()
    {
        var release = $"release_{Guid.NewGuid():N}";
        var ar = Rc[0].ApplyAsync((string file) =>
        {
            var path = Path.Combine(Path.GetTempPath(), file);
            while (!File.Exists(path)) Thread.Sleep(10); // no token: abort cannot stop it
            File.Delete(path);
            return 42;
        }, release);
        await RunningAsync(0, ar.MsgIds[0]);

        var outcome = await ar.AbortAsync(TimeSpan.FromMilliseconds(300));

        Assert.False(outcome.AllEnded);
        Assert.Equal(ar.MsgIds, outcome.StillRunning);
        Assert.Empty(outcome.Ended);
        await File.WriteAllTextAsync(Path.Combine(Path.GetTempPath(), release), "");
        Assert.Equal(42, await ar.AsTask().WaitAsync(Patience)); // it was never cancelled: it ends as it would have
    }

    [Fact]
    public async Task Abort_RunningLoadBalancedTask_ThatTakesAToken_EndsAborted()
    {
        var lb = Rc.LoadBalancedView();
        var ar = lb.ApplyAsync((CancellationToken token) =>
        {
            Task.Delay(TimeSpan.FromMinutes(5), token).Wait(token);
            return 1;
        }, CancellationToken.None);
        await ClusterAssert.EventuallyAsync(async () => (await Rc.QueueStatusAsync(verbose: true)).Engines.Any(e => e.Running == ar.MsgIds[0]), "the task runs on some engine");

        Assert.True((await ar.AbortAsync(Patience)).AllEnded);
        Assert.True((await Assert.ThrowsAsync<TaskAbortedException>(() => ar.AsTask())).WhileRunning);
    }

    [Fact]
    public async Task Abort_QueuedTask_SaysItWasAbortedBeforeItRan()
    {
        var release = Path.Combine(Path.GetTempPath(), $"release_{Guid.NewGuid():N}");
        try
        {
            var blocker = Rc[2].ApplyAsync((string path) => { while (!File.Exists(path)) Thread.Sleep(10); return 0; }, release);
            var queued = Rc[2].ApplyAsync(() => 1);
            await RunningAsync(2, blocker.MsgIds[0]);

            Assert.True((await queued.AbortAsync(Patience)).AllEnded);

            var aborted = await Assert.ThrowsAsync<TaskAbortedException>(() => queued.AsTask());
            Assert.False(aborted.WhileRunning);
            Assert.Contains("before it ran", aborted.Message);
            File.WriteAllText(release, "");
            Assert.Equal(0, await blocker.AsTask().WaitAsync(Patience));
        }
        finally
        {
            File.WriteAllText(release, "");
        }
    }

    [Fact]
    public async Task Abort_NegativeGrace_IsAnArgumentError_AndAbortsNothing()
    {
        var ar = Rc[0].ApplyAsync((CancellationToken token) => { Task.Delay(200, token).Wait(token); return 3; }, default);
        await Assert.ThrowsAnyAsync<ArgumentException>(() => ar.AbortAsync(TimeSpan.FromSeconds(-2)));
        Assert.Equal(3, await ar.AsTask().WaitAsync(Patience));
    }
}
