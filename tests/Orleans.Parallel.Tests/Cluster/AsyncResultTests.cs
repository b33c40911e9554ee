using System.Diagnostics;
using Orleans.Parallel.Errors;
using Orleans.Parallel.Views;
using TaskStatus = Orleans.Parallel.Engine.TaskStatus;

namespace Orleans.Parallel.Tests.Cluster;

/// <summary>AsyncResult and AsyncMapResult: waiting, readiness, metadata, progress; and the Block and Targets flags.</summary>
[Collection(ClusterCollection.Name)]
public class AsyncResultTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(10);

    private ParallelClient Rc => fixture.Client;

    [Fact]
    public async Task Await_DirectViewResult_GivesListInTargetOrder()
    {
        IReadOnlyList<int> values = await Rc[new[] { 2, 0 }].ApplyAsync((int x) => x * 2, 21);
        Assert.Equal([42, 42], values);
    }

    [Fact]
    public async Task Get_WhilePending_ThrowsTimeoutExceptionSayingNotReady()
    {
        var result = Rc[0].ApplyAsync(() => { Thread.Sleep(1000); return 1; });

        var clock = Stopwatch.StartNew();
        var error = Assert.Throws<TimeoutException>(() => result.Get(TimeSpan.FromMilliseconds(100)));
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(90), TimeSpan.FromMilliseconds(1000));
        Assert.Contains("not ready", error.Message, StringComparison.OrdinalIgnoreCase);

        Assert.False(result.Ready);
        Assert.Equal(0, result.Progress);
        Assert.False(result.Wait(TimeSpan.FromMilliseconds(50)));
        Assert.False(await result.WaitAsync(TimeSpan.FromMilliseconds(50)));
        var pending = Assert.Throws<InvalidOperationException>(() => result.Successful);
        Assert.Contains("not ready", pending.Message, StringComparison.OrdinalIgnoreCase);
        var metadata = Assert.Single(result.Metadata);
        Assert.Equal(TaskStatus.Pending, metadata.Status);
        Assert.Null(metadata.Completed);
        Assert.Null(metadata.Received);

        Assert.True(result.Wait(Long));
        Assert.True(result.Ready);
        Assert.True(result.Successful);
        Assert.Equal(1, result.Progress);
        Assert.Equal(1, result.Get(TimeSpan.Zero));
        Assert.True(await result.WaitAsync(TimeSpan.Zero));
    }

    [Fact]
    public async Task Get_WithoutTimeout_WaitsForValue()
    {
        var result = Rc[1].ApplyAsync(() => { Thread.Sleep(200); return "done"; });
        Assert.Equal("done", await Task.Run(() => result.Get()));
    }

    [Fact]
    public async Task Successful_AfterError_FalseAndGetThrows()
    {
        var result = Rc[2].ApplyAsync((int x) => x > 0 ? throw new InvalidOperationException("ar fail") : x, 1);

        Assert.True(await result.WaitAsync(Long));
        Assert.True(result.Ready);
        Assert.False(result.Successful);
        var error = Assert.Throws<RemoteException>(() => result.Get(TimeSpan.Zero));
        Assert.Equal("ar fail", error.RemoteMessage);
    }

    [Fact]
    public async Task Metadata_AfterCompletion_DescribesEachMessage()
    {
        var before = DateTime.UtcNow;
        var result = Rc[..].ExecuteAsync("System.Threading.Thread.Sleep(20); Console.Write(\"ar-out\"); Console.Error.Write(\"ar-err\");");
        await result;
        var after = DateTime.UtcNow;

        Assert.Equal(4, result.Metadata.Count);
        Assert.Equal(result.MsgIds, result.Metadata.Select(m => m.MsgId));
        Assert.Equal(4, result.MsgIds.Distinct().Count());
        Assert.Equal([0, 1, 2, 3], result.Metadata.Select(m => m.EngineId));
        Assert.All(result.Metadata, m =>
        {
            Assert.InRange(m.Submitted, before, after);
            Assert.NotNull(m.Started);
            Assert.NotNull(m.Completed);
            Assert.NotNull(m.Received);
            Assert.True(m.Submitted <= m.Started, $"submitted {m.Submitted:O} after started {m.Started:O}");
            Assert.True(m.Started <= m.Completed, $"started {m.Started:O} after completed {m.Completed:O}");
            Assert.True(m.Completed <= m.Received, $"completed {m.Completed:O} after received {m.Received:O}");
            Assert.True(m.Completed - m.Started >= TimeSpan.FromMilliseconds(15), $"ran only {m.Completed - m.Started}");
            Assert.True(m.Received <= after);
            Assert.Equal(TaskStatus.Ok, m.Status);
            Assert.Equal("ar-out", m.Stdout);
            Assert.Equal("ar-err", m.Stderr);
            Assert.Null(m.Error);
            Assert.Null(m.ExecuteResult);
        });
    }

    [Fact]
    public async Task Metadata_FailedTask_StatusErrorWithRemoteException()
    {
        var result = Rc[..].ApplyAsync((int x) => x == 0 ? throw new FormatException("ar meta") : x, 0);
        Assert.True(await result.WaitAsync(Long));

        Assert.All(result.Metadata, m =>
        {
            Assert.Equal(TaskStatus.Error, m.Status);
            var error = Assert.IsType<RemoteException>(m.Error);
            Assert.Equal(m.EngineId, error.EngineId);
            Assert.Equal(m.MsgId, error.MsgId);
            Assert.Equal("System.FormatException", error.RemoteType);
            Assert.NotNull(m.Started);
            Assert.NotNull(m.Completed);
        });
    }

    [Fact]
    public async Task Elapsed_AfterSleepingTask_AtLeastSleepAndFixedOnceReady()
    {
        var result = Rc[3].ApplyAsync(() => { Thread.Sleep(150); return 0; });
        Assert.True(result.Elapsed >= TimeSpan.Zero);
        await result;

        var elapsed = result.Elapsed;
        Assert.InRange(elapsed, TimeSpan.FromMilliseconds(150), TimeSpan.FromSeconds(5));
        await Task.Delay(30);
        Assert.Equal(elapsed, result.Elapsed);
    }

    [Fact]
    public async Task Elapsed_WhilePending_Grows()
    {
        var result = Rc[3].ApplyAsync(() => { Thread.Sleep(400); return 0; });
        var first = result.Elapsed;
        await Task.Delay(100);
        Assert.True(result.Elapsed > first);
        Assert.True(result.Elapsed > TimeSpan.Zero);
        await result;
    }

    [Fact]
    public async Task Progress_OneEngineSlow_CountsFinishedTasks()
    {
        foreach (var id in Rc.Ids) await Rc[id].PushAsync(new { ar_sleep = id == 0 ? 700 : 0 });

        var result = Rc[..].ApplyAsync((int ms) => { Thread.Sleep(ms); return ms; }, new Reference<int>("ar_sleep"));

        await ClusterAssert.EventuallyAsync(() => Task.FromResult(result.Progress == 3), "three quick engines finished");
        Assert.False(result.Ready);
        Assert.Equal([TaskStatus.Pending, TaskStatus.Ok, TaskStatus.Ok, TaskStatus.Ok], result.Metadata.Select(m => m.Status));

        Assert.Equal([700, 0, 0, 0], await result);
        Assert.Equal(4, result.Progress);
    }

    [Fact]
    public async Task AwaitForeach_MapResult_YieldsEachValueInOrder()
    {
        var seen = new List<string>();
        await foreach (var word in Rc[..].MapAsync((int i) => $"w{i}", Enumerable.Range(0, 7)))
            seen.Add(word);
        Assert.Equal(["w0", "w1", "w2", "w3", "w4", "w5", "w6"], seen);
    }

    [Fact]
    public async Task AwaitForeach_GatherResult_YieldsScatteredItemsInOrder()
    {
        await Rc[..].ScatterAsync("ar_gather", Enumerable.Range(100, 10).ToArray());
        var seen = new List<int>();
        await foreach (var item in Rc[..].GatherAsync<int>("ar_gather")) seen.Add(item);
        Assert.Equal(Enumerable.Range(100, 10), seen);
    }

    [Fact]
    public async Task AwaitForeach_FailedTask_ThrowsItsRemoteException()
    {
        var results = Rc[..].MapAsync((int i) => i == 5 ? throw new InvalidOperationException("ar enum") : i, Enumerable.Range(0, 8));
        var seen = new List<int>();

        var error = await Assert.ThrowsAsync<RemoteException>(async () =>
        {
            await foreach (var item in results) seen.Add(item);
        });

        Assert.Equal(2, error.EngineId);
        Assert.Equal([0, 1, 2, 3], seen);
    }

    [Fact]
    public async Task Execute_BlockTrue_ReturnsReadyResult()
    {
        var view = Rc[..];
        view.Block = true;

        var result = view.Execute("System.Threading.Thread.Sleep(100); var ar_block = 1;");

        Assert.True(result.Ready);
        Assert.True(result.Successful);
        Assert.Equal([1, 1, 1, 1], await Rc[..].PullAsync<int>("ar_block"));
    }

    [Fact]
    public void Execute_BlockFalse_ReturnsPendingResult()
    {
        var result = Rc[..].Execute("System.Threading.Thread.Sleep(300); var ar_noblock = 1;");
        Assert.False(result.Ready);
        Assert.True(result.Wait(Long));
    }

    [Fact]
    public void WithBlock_OneCall_OverridesViewFlagOnlyThere()
    {
        var view = Rc[..];

        var blocked = view.With(block: true).Push(new { ar_with = 2 });
        Assert.True(blocked.Ready);
        Assert.False(view.Block);

        var pulled = view.With(block: true).Pull<int>("ar_with");
        Assert.True(pulled.Ready);
        Assert.Equal([2, 2, 2, 2], pulled.Get(TimeSpan.Zero));

        var blockingView = Rc[..];
        blockingView.Block = true;
        var notBlocked = blockingView.With(block: false).Execute("System.Threading.Thread.Sleep(300);");
        Assert.False(notBlocked.Ready);
        Assert.True(blockingView.Block);
        Assert.True(notBlocked.Wait(Long));
    }

    [Fact]
    public async Task WithTargets_OneEngine_OverridesViewTargets()
    {
        await Rc[..].PushAsync(new { ar_targets = 0 });
        var view = Rc[..];

        var result = view.With(targets: [2]).Execute("ar_targets = 5;");
        await result;

        Assert.Equal([0, 1, 2, 3], view.TargetIds);
        Assert.Equal([2], view.With(targets: [2]).TargetIds);
        Assert.Equal(2, Assert.Single(result.Metadata).EngineId);
        Assert.Equal([0, 0, 5, 0], await Rc[..].PullAsync<int>("ar_targets"));

        var both = view.With(block: true, targets: [3, 1]).Pull<int>("ar_targets");
        Assert.True(both.Ready);
        Assert.Equal([0, 0], both.Get(TimeSpan.Zero));
    }

    [Fact]
    public void WithTargets_UnknownId_ThrowsAtOnceNamingId()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Rc[..].With(targets: [1, 9]));
        Assert.Contains("9", error.Message);
    }

    [Fact]
    public void EngineView_BlockAndWith_PlainFormsWait()
    {
        var engine = Rc[1].With(block: true);
        Assert.True(engine.Block);
        Assert.False(Rc[1].Block);

        var result = engine.Execute("System.Threading.Thread.Sleep(100); var ar_engine_block = 3;");
        Assert.True(result.Ready);

        var pulled = engine.Pull<int>("ar_engine_block");
        Assert.True(pulled.Ready);
        Assert.Equal(3, pulled.Get(TimeSpan.Zero));
    }

    [Fact]
    public async Task Stdout_PerMessage_InTargetOrder()
    {
        foreach (var id in Rc.Ids) await Rc[id].PushAsync(new { ar_name = $"engine{id}" });

        var result = Rc[..].ExecuteAsync("Console.Write(ar_name);");
        await result;

        Assert.Equal(["engine0", "engine1", "engine2", "engine3"], result.Stdout);
        Assert.Equal(["", "", "", ""], result.Stderr);
    }

    [Fact]
    public async Task AsTask_ResultWithValue_CompletesWithValue()
    {
        Task<IReadOnlyList<int>> task = Rc[..].ApplyAsync((int x) => x + 1, 1).AsTask();
        Assert.Equal([2, 2, 2, 2], await task);
        Task plain = Rc[..].ExecuteAsync("var ar_astask = 1;").AsTask();
        await plain;
        Assert.True(plain.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Get_InfiniteOrHugeTimeoutOnReadyResult_ReturnsValue()
    {
        var result = Rc[0].ApplyAsync((int x) => x, 9);
        await result;

        Assert.Equal(9, result.Get(Timeout.InfiniteTimeSpan));
        Assert.Equal(9, result.Get(TimeSpan.MaxValue));
        Assert.True(result.Wait(TimeSpan.MaxValue));
        Assert.True(await result.WaitAsync(TimeSpan.MaxValue));
    }

    [Fact]
    public void Execute_BlockTrueScriptFails_ReturnsReadyUnsuccessfulResultAndGetThrows()
    {
        var result = Rc[..].With(block: true).Execute("throw new InvalidOperationException(\"ar blocked\");");

        Assert.True(result.Ready);
        Assert.False(result.Successful);
        var error = Assert.Throws<CompositeException>(() => result.Get(TimeSpan.Zero));
        Assert.All(error.Errors, e => Assert.Equal("ar blocked", Assert.IsType<RemoteException>(e).RemoteMessage));
    }
}
