using Orleans.Parallel.Errors;
using Orleans.Parallel.Tests.Cluster;
using Orleans.Parallel.Views;

namespace Orleans.Parallel.Tests.Views;

/// <summary>rc.Executor(): submit, map and shut down, as Python's concurrent.futures executors do.</summary>
[Collection(ClusterCollection.Name)]
public class ExecutorTests(ClusterFixture fixture)
{
    private ParallelClient Rc => fixture.Client;

    [Fact]
    public async Task Submit_GivesEachCallsValue()
    {
        await using var executor = Rc.Executor();
        Assert.Null(executor.View.Targets);
        var answer = executor.SubmitAsync(() => 6 * 7);
        var difference = executor.SubmitAsync((int a, int b) => a - b, 10, 3);
        var twice = executor.SubmitAsync((string s) => s + s, "ab");
        var later = executor.SubmitAsync(async () =>
        {
            await Task.Delay(10);
            return "later";
        });
        Assert.Equal(42, await answer);
        Assert.Equal(7, await difference);
        Assert.Equal("abab", await twice);
        Assert.Equal("later", await later);
    }

    [Fact]
    public async Task Submit_FunctionWithoutValue_EndsWhenItRan()
    {
        var file = Path.Combine(Path.GetTempPath(), $"executor_{Guid.NewGuid():N}");
        try
        {
            await using var executor = Rc.Executor();
            await executor.SubmitAsync(() => File.WriteAllText(file, "action"));
            Assert.Equal("action", await File.ReadAllTextAsync(file));
            await executor.SubmitAsync(async () => await File.WriteAllTextAsync(file, "async"));
            Assert.Equal("async", await File.ReadAllTextAsync(file));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Submit_TakesReferencesToTheEnginesVariables()
    {
        await Rc[..].PushAsync(new { executor_base = 1000 });
        await using var executor = Rc.LoadBalancedView().Executor();
        Assert.Equal(1005, await executor.SubmitAsync((int b, int x) => b + x, new Reference<int>("executor_base"), 5));
    }

    [Fact]
    public async Task Map_MatchesLocalInInputOrder()
    {
        await using var executor = Rc.Executor();
        var ar = executor.MapAsync((int x) => x * x + 1, Enumerable.Range(0, 250), chunkSize: 25);
        Assert.Equal(10, ar.MsgIds.Count);
        Assert.Equal(Enumerable.Range(0, 250).Select(x => x * x + 1), await ar);
        var streamed = new List<string>();
        await foreach (var s in executor.MapAsync(async (int x) => { await Task.Yield(); return $"{x}"; }, Enumerable.Range(0, 12))) streamed.Add(s);
        Assert.Equal(Enumerable.Range(0, 12).Select(x => $"{x}"), streamed);
    }

    [Fact]
    public async Task Dispose_WaitsForEverythingSubmitted()
    {
        var executor = Rc.Executor();
        var results = Enumerable.Range(0, 6).Select(i => executor.SubmitAsync(() =>
        {
            Thread.Sleep(300);
            return i;
        })).ToArray();
        Assert.Contains(results, r => !r.Ready);
        Assert.True(executor.PendingCount > 0);
        await executor.DisposeAsync();
        Assert.All(results, r => Assert.True(r.Ready));
        Assert.Equal(Enumerable.Range(0, 6), results.Select(r => r.Get()));
        await ClusterAssert.EventuallyAsync(() => executor.PendingCount == 0, "the executor forgets what ended");
        Assert.True(executor.IsShutDown);
    }

    [Fact]
    public async Task Shutdown_CancelPending_AbortsQueuedAndRunningWork()
    {
        var executor = Rc.Executor();
        // Twice as many as there are engines: half run (and watch their token), half wait in the queue.
        var results = Enumerable.Range(0, 2 * ClusterFixture.EngineCount).Select(_ => executor.SubmitAsync((CancellationToken token) =>
        {
            token.WaitHandle.WaitOne(TimeSpan.FromSeconds(30));
            token.ThrowIfCancellationRequested();
            return 1;
        }, CancellationToken.None)).ToArray();
        await ClusterAssert.EventuallyAsync(async () => (await Rc.QueueStatusAsync()).Engines.All(s => s.Running is not null), "every engine runs a task");
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        await executor.ShutdownAsync(cancelPending: true);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(15), $"shutdown took {stopwatch.Elapsed}");
        foreach (var r in results) await Assert.ThrowsAsync<TaskAbortedException>(async () => await r);
        Assert.True(await Rc.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Submit_Cancelled_AbortsThatTask()
    {
        await using var executor = Rc.Executor();
        using var cancel = new CancellationTokenSource();
        var slow = executor.SubmitAsync((CancellationToken token) =>
        {
            token.WaitHandle.WaitOne(TimeSpan.FromSeconds(30));
            token.ThrowIfCancellationRequested();
            return 1;
        }, CancellationToken.None, cancel.Token);
        var fast = executor.SubmitAsync(() => 2, cancel.Token);
        Assert.Equal(2, await fast);
        await ClusterAssert.EventuallyAsync(async () => (await Rc.QueueStatusAsync()).Engines.Any(s => s.Running is not null), "the slow task runs");
        await cancel.CancelAsync();
        await Assert.ThrowsAsync<TaskAbortedException>(async () => await slow);
        Assert.Equal(2, await fast);
    }

    [Fact]
    public async Task AfterShutdown_NoMoreWorkIsTaken()
    {
        var executor = Rc.Executor();
        Assert.Equal(1, await executor.SubmitAsync(() => 1));
        await executor.DisposeAsync();
        Assert.Throws<ObjectDisposedException>(() => executor.SubmitAsync(() => 2));
        Assert.Throws<ObjectDisposedException>(() => executor.MapAsync((int x) => x, [1, 2]));
        await executor.ShutdownAsync(); // again: nothing to wait for
    }

    [Fact]
    public async Task BadInput_RefusedOnTheClient()
    {
        await using var executor = Rc.Executor();
        Assert.Equal("function", (await ClusterAssert.RejectedOnClientAsync<ArgumentNullException>(Rc, () => executor.SubmitAsync((Func<int>)null!))).ParamName);
        Assert.Equal("function", (await ClusterAssert.RejectedOnClientAsync<ArgumentNullException>(Rc, () => executor.SubmitAsync((Action)null!))).ParamName);
        Assert.Equal("function", (await ClusterAssert.RejectedOnClientAsync<ArgumentNullException>(Rc, () => executor.SubmitAsync((Func<Task>)null!))).ParamName);
        Assert.Equal("function", (await ClusterAssert.RejectedOnClientAsync<ArgumentNullException>(Rc, () => executor.SubmitAsync((Func<int, int>)null!, 1))).ParamName);
        Assert.Equal("function", (await ClusterAssert.RejectedOnClientAsync<ArgumentNullException>(Rc, () => executor.MapAsync((Func<int, int>)null!, [1]))).ParamName);
        Assert.Equal("items", (await ClusterAssert.RejectedOnClientAsync<ArgumentNullException>(Rc, () => executor.MapAsync((int x) => x, null!))).ParamName);
        Assert.Equal("chunkSize", (await ClusterAssert.RejectedOnClientAsync<ArgumentOutOfRangeException>(Rc, () => executor.MapAsync((int x) => x, [1], chunkSize: 0))).ParamName);
        await ClusterAssert.RejectedOnClientAsync<OperationCanceledException>(Rc, () => executor.SubmitAsync(() => 1, new CancellationToken(canceled: true)));
        Assert.Equal(0, executor.PendingCount);
    }
}
