using Orleans.Parallel.Errors;
using Orleans.Parallel.Results;
using Orleans.Parallel.Scheduling;
using Orleans.Parallel.Tests.Cluster;
using Orleans.Parallel.Views;
using TaskStatus = Orleans.Parallel.Engine.TaskStatus;

namespace Orleans.Parallel.Tests.Scheduling;

/// <summary>Retries, timeouts, abort and requirements of load-balanced tasks on the cluster (ipyparallel's test_lbview).</summary>
[Collection(ClusterCollection.Name)]
public class BalancedFailureTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private ParallelClient Rc => fixture.Client;

    private static int AlwaysFails() => throw new InvalidOperationException("fails everywhere");

    private static async Task Ended(params AsyncResult[] results)
    {
        foreach (var r in results) Assert.True(await r.WaitAsync(Patience), $"task {r.MsgIds[0]} did not end");
    }

    /// <summary>A unique namespace variable name: tests share the cluster.</summary>
    private static string Unique(string prefix) => $"{prefix}_{Guid.NewGuid():N}";

    /// <summary>
    /// Puts one task sleeping <paramref name="sleepMs"/> on every engine (the high-water mark is 1, so
    /// later tasks wait in the queue) and waits until every engine is running one.
    /// </summary>
    private async Task<AsyncResult<int>[]> OccupyAsync(int sleepMs)
    {
        Assert.True(await Rc.LoadBalancedView().WaitAsync(Patience), "load-balanced tasks of an earlier test are still outstanding");
        // Any task still on an engine (a direct one from an earlier test) would delay one occupying
        // task until the others have finished, and they would never all run at once.
        await ClusterAssert.EventuallyAsync(async () =>
            (await Rc.QueueStatusAsync()).Engines.All(s => s.Running is null && s.QueueLength == 0), "the engines are idle before they are occupied");
        var lb = Rc.LoadBalancedView();
        var busy = Rc.Ids.Select(_ => lb.ApplyAsync(() => { Thread.Sleep(sleepMs); return 1; })).ToArray();
        var ids = busy.Select(b => b.MsgIds[0]).ToHashSet();
        await ClusterAssert.EventuallyAsync(async () =>
        {
            var statuses = (await Rc.QueueStatusAsync()).Engines;
            return statuses.All(s => s.Running is { } running && ids.Contains(running));
        }, "every engine runs one of the occupying tasks");
        return busy;
    }

    /// <summary>Waits until the client has handed every task of <paramref name="results"/> to a task queue (so an abort reaches them there).</summary>
    private static Task DeliveredAsync(IEnumerable<AsyncResult> results) =>
        ClusterAssert.EventuallyAsync(() => Task.FromResult(results.SelectMany(r => r.Messages).All(m => m.Queue is not null || m.IsDone)),
            "the tasks reached their task queue");

    // ---- retries ----

    [Fact]
    public async Task Retries_FailsOnEveryEngine_EndsWithRemoteExceptionWithoutHanging()
    {
        var ar = Rc.LoadBalancedView().With(retries: 10).ApplyAsync(AlwaysFails);

        Assert.True(await ar.WaitAsync(TimeSpan.FromSeconds(10)), "a task failing everywhere with retries left never ended");
        var e = await Assert.ThrowsAsync<RemoteException>(async () => await ar);
        Assert.Equal(typeof(InvalidOperationException).FullName, e.RemoteType);
        Assert.Equal("fails everywhere", e.RemoteMessage);
        var metadata = ar.Metadata[0];
        Assert.Equal(TaskStatus.Error, metadata.Status);
        Assert.NotNull(metadata.Started);
        Assert.Contains(metadata.EngineId, Rc.Ids);
        Assert.Equal(metadata.EngineId, e.EngineId);
    }

    [Fact]
    public async Task Retries_None_FailsOnFirstEngine()
    {
        var ar = Rc.LoadBalancedView().ApplyAsync(AlwaysFails);
        Assert.True(await ar.WaitAsync(Patience));
        await Assert.ThrowsAsync<RemoteException>(async () => await ar);
        Assert.NotNull(ar.Metadata[0].Started);
    }

    [Fact]
    public async Task Retries_FailsOnlyOnFlakyEngines_SucceedsOnTheOtherEngine()
    {
        var name = Unique("flaky");
        var ids = Rc.Ids;
        var good = ids[^1];
        try
        {
            await Rc[ids.Where(id => id != good)].PushAsync(new Dictionary<string, object?> { [name] = true });
            await Rc[good].PushAsync(new Dictionary<string, object?> { [name] = false });
            var lb = Rc.LoadBalancedView().With(retries: ids.Count - 1);
            var results = Enumerable.Range(0, 4)
                .Select(i => lb.ApplyAsync((bool flaky, int x) => flaky ? throw new InvalidOperationException("flaky engine") : x, new Reference<bool>(name), i))
                .ToArray();
            await Ended(results);

            foreach (var (ar, i) in results.Select((r, i) => (r, i)))
            {
                Assert.Equal(i, await ar);
                Assert.Equal(good, ar.Metadata[0].EngineId);
            }
        }
        finally
        {
            await Rc[..].ClearAsync();
        }
    }

    [Fact]
    public async Task Retries_TooFewForTheFlakyEngines_EndsWithTheFlakyError()
    {
        // Restricted to two flaky engines with one retry: both fail it, so it ends with the last error.
        var name = Unique("flaky_all");
        var ids = Rc.Ids;
        try
        {
            await Rc[[ids[0], ids[1]]].PushAsync(new Dictionary<string, object?> { [name] = true });
            var ar = Rc.LoadBalancedView([ids[0], ids[1]]).With(retries: 1)
                .ApplyAsync((bool flaky) => flaky ? throw new InvalidOperationException("flaky engine") : 1, new Reference<bool>(name));
            Assert.True(await ar.WaitAsync(Patience));
            var e = await Assert.ThrowsAsync<RemoteException>(async () => await ar);
            Assert.Equal("flaky engine", e.RemoteMessage);
            Assert.Contains(ar.Metadata[0].EngineId, new[] { ids[0], ids[1] });
        }
        finally
        {
            await Rc[..].ClearAsync();
        }
    }

    // ---- timeout ----

    [Fact]
    public async Task Timeout_EveryEngineBusy_TaskTimeoutException()
    {
        // Long enough that a loaded machine's wait for "every engine busy" cannot eat the window in
        // which the 200 ms timeout must fire (a full run once saw an engine free up within it at 1,500).
        var busy = await OccupyAsync(4000);
        var late = Rc.LoadBalancedView().With(timeout: TimeSpan.FromMilliseconds(200)).ApplyAsync(() => 1);

        Assert.True(await late.WaitAsync(Patience));
        var e = await Assert.ThrowsAsync<TaskTimeoutException>(async () => await late);
        Assert.Equal(late.MsgIds[0], e.MsgId);
        Assert.Null(late.Metadata[0].Started);

        await Ended(busy);
        foreach (var b in busy) Assert.Equal(1, await b);
        // It ended while the engines were still busy, not when one freed up.
        Assert.True(late.Metadata[0].Received <= busy.Max(b => b.Metadata[0].Completed));
    }

    [Fact]
    public async Task Timeout_TaskStartsAtOnce_NotCutOffWhileRunning()
    {
        var lb = Rc.LoadBalancedView();
        Assert.True(await lb.WaitAsync(Patience));
        var ar = lb.With(timeout: TimeSpan.FromMilliseconds(100)).ApplyAsync(() => { Thread.Sleep(500); return 7; });

        Assert.True(await ar.WaitAsync(Patience));
        Assert.Equal(7, await ar);
        Assert.True(ar.Metadata[0].Completed - ar.Metadata[0].Started >= TimeSpan.FromMilliseconds(400));
    }

    [Fact]
    public void Timeout_NotPositive_Refused()
    {
        var lb = Rc.LoadBalancedView();
        Assert.Throws<ArgumentOutOfRangeException>(() => { lb.Timeout = TimeSpan.Zero; });
        Assert.Throws<ArgumentOutOfRangeException>(() => lb.With(timeout: TimeSpan.FromSeconds(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => { lb.Retries = -1; });
    }

    // ---- abort ----

    [Fact]
    public async Task AbortAsync_View_QueuedTasksAbortedRunningOnesFinish()
    {
        var busy = await OccupyAsync(4000); // long enough to overlap on a busy machine, where one status poll can take a second
        var lb = Rc.LoadBalancedView();
        var queued = Enumerable.Range(0, 10).Select(i => lb.ApplyAsync(() => i)).ToArray();
        await DeliveredAsync(queued);

        await lb.AbortAsync();
        await Ended([.. busy, .. queued]);

        foreach (var b in busy) Assert.Equal(1, await b);
        foreach (var q in queued)
        {
            var e = await Assert.ThrowsAsync<TaskAbortedException>(async () => await q);
            Assert.Equal(q.MsgIds[0], e.MsgId);
            Assert.Equal(TaskStatus.Aborted, q.Metadata[0].Status);
            Assert.Null(q.Metadata[0].Started);
        }
    }

    [Fact]
    public async Task AbortAsync_MapResult_ItsQueuedChunksAbortedOthersUntouched()
    {
        var busy = await OccupyAsync(4000); // long enough to overlap on a busy machine, where one status poll can take a second
        var lb = Rc.LoadBalancedView();
        var map = lb.MapAsync((int x) => x, Enumerable.Range(0, 10));
        var bystander = lb.ApplyAsync(() => 99);
        await DeliveredAsync([map, bystander]);

        await map.AbortAsync();
        await Ended([.. busy, map, bystander]);

        foreach (var b in busy) Assert.Equal(1, await b);
        Assert.Equal(99, await bystander);
        var e = await Assert.ThrowsAsync<CompositeException>(async () => await map);
        Assert.Equal(10, e.Errors.Count);
        Assert.All(e.Errors, x => Assert.IsType<TaskAbortedException>(x));
    }

    [Fact]
    public async Task AbortAsync_RightAfterSubmitting_TasksReportedAbortedNeverRun()
    {
        // Each task counts itself when it runs by creating a file of its own in a folder of this test:
        // a count in this class's statics would only see engines in the test's own process, not
        // isolated ones. A task whose result says Aborted must not have run.
        var lb = Rc.LoadBalancedView();
        var runs = Directory.CreateTempSubdirectory("op-abort-probe-");
        try
        {
            var reports = new List<string>();
            var strays = 0;
            foreach (var delay in new[] { 0, 1, 2 })
            {
                var before = runs.GetFiles().Length;
                var results = Enumerable.Range(0, 300).Select(i => lb.ApplyAsync((string folder, int n) => CountRun(folder, n), runs.FullName, i)).ToArray();
                if (delay > 0) await Task.Delay(delay);
                await lb.AbortAsync();
                await Ended(results);
                // Give a task that was wrongly reported aborted the time to run anyway, then wait for the engines to be idle.
                await Task.Delay(500);
                await ClusterAssert.EventuallyAsync(async () => (await Rc.QueueStatusAsync()).Engines.All(s => s.Running is null && s.QueueLength == 0), "the engines are idle");
                var ok = results.Count(r => r.Metadata[0].Status == TaskStatus.Ok);
                var ran = runs.GetFiles().Length - before;
                strays += ran - ok;
                reports.Add($"delay {delay} ms: {ok} ok, {results.Length - ok} aborted, {ran} ran");
            }
            Assert.True(strays == 0, $"{strays} task(s) reported as aborted ran anyway: {string.Join("; ", reports)}");
        }
        finally
        {
            runs.Delete(recursive: true);
        }
    }

    private static int CountRun(string folder, int i)
    {
        File.Create(Path.Combine(folder, Guid.NewGuid().ToString("N"))).Dispose();
        return i;
    }

    [Fact]
    public async Task IMap_CancelledWhileResultsAreReady_StopsAtOnce()
    {
        using var cancel = new CancellationTokenSource();
        var lb = Rc.LoadBalancedView();
        var items = lb.IMap((int x) => x, Enumerable.Range(0, 8), maxOutstanding: 4).GetAsyncEnumerator(cancel.Token);
        try
        {
            Assert.True(await items.MoveNextAsync());
            Assert.Equal(0, items.Current);
            // Let the other chunks in flight end, so their results are ready when the enumeration goes on.
            Assert.True(await lb.WaitAsync(Patience));
            await cancel.CancelAsync();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await items.MoveNextAsync());
        }
        finally
        {
            await items.DisposeAsync();
            Assert.True(await lb.WaitAsync(Patience));
        }
    }

    // ---- require ----

    [Fact]
    public async Task Require_VariableOnOneEngine_EveryTaskRunsThere()
    {
        var name = Unique("req_var");
        var only = Rc.Ids[1];
        try
        {
            await Rc[only].PushAsync(new Dictionary<string, object?> { [name] = 1 });
            var lb = Rc.LoadBalancedView().With(require: new Requirement { Variables = [name] });
            var results = Enumerable.Range(0, 6).Select(i => lb.ApplyAsync(() => i)).ToArray();
            await Ended(results);

            foreach (var (ar, i) in results.Select((r, i) => (r, i)))
            {
                Assert.Equal(i, await ar);
                Assert.Equal(only, ar.Metadata[0].EngineId);
            }
        }
        finally
        {
            await Rc[..].ClearAsync();
        }
    }

    [Fact]
    public async Task Require_VariableNoEngineHas_ImpossibleDependency()
    {
        var lb = Rc.LoadBalancedView().With(require: new Requirement { Variables = [Unique("req_none")] });
        var ar = lb.ApplyAsync(() => 1);
        Assert.True(await ar.WaitAsync(Patience));
        var e = await Assert.ThrowsAsync<ImpossibleDependencyException>(async () => await ar);
        Assert.Equal(ar.MsgIds[0], e.MsgId);
    }

    [Fact]
    public async Task Require_PredicateFalse_ImpossibleDependency()
    {
        var ar = Rc.LoadBalancedView().With(require: new Requirement { Predicate = () => false }).ApplyAsync(() => 1);
        Assert.True(await ar.WaitAsync(Patience));
        await Assert.ThrowsAsync<ImpossibleDependencyException>(async () => await ar);
    }

    [Fact]
    public async Task Require_PredicateTrue_Runs()
    {
        var ar = Rc.LoadBalancedView().With(require: new Requirement { Predicate = () => Environment.ProcessorCount > 0 }).ApplyAsync(() => 1);
        Assert.True(await ar.WaitAsync(Patience));
        Assert.Equal(1, await ar);
    }

    [Fact]
    public async Task Require_AssemblyThatExists_Runs()
    {
        var ar = Rc.LoadBalancedView().With(require: new Requirement { Assemblies = ["System.Text.Json"] }).ApplyAsync(() => 5);
        Assert.True(await ar.WaitAsync(Patience));
        Assert.Equal(5, await ar);
    }

    [Fact]
    public async Task Require_AssemblyThatDoesNotExist_ImpossibleDependency()
    {
        var ar = Rc.LoadBalancedView().With(require: new Requirement { Assemblies = ["No.Such.Assembly.Anywhere"] }).ApplyAsync(() => 5);
        Assert.True(await ar.WaitAsync(Patience));
        await Assert.ThrowsAsync<ImpossibleDependencyException>(async () => await ar);
    }

    [Fact]
    public async Task Require_VariableMissingWithRetries_ImpossibleWithoutRunning()
    {
        // An unmet requirement is not a failure: retries are not used up, and the task never runs.
        var ar = Rc.LoadBalancedView().With(retries: 2, require: new Requirement { Variables = [Unique("req_none")] }).ApplyAsync(AlwaysFails);
        Assert.True(await ar.WaitAsync(Patience));
        await Assert.ThrowsAsync<ImpossibleDependencyException>(async () => await ar);
    }
}
