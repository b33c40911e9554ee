using Orleans.Parallel.Errors;
using Orleans.Parallel.Results;
using Orleans.Parallel.Tests.Cluster;
using Orleans.Parallel.Views;

namespace Orleans.Parallel.Tests.Hub;

/// <summary>
/// Chosen tasks: aborting and waiting for some results or msg ids (ipyparallel's <c>abort(jobs)</c>,
/// <c>wait(jobs)</c>), a single result's msg id and engine, typed results by msg id, and pushing one
/// variable by name.
/// </summary>
[Collection(HubCollection.Name)]
public sealed class ChosenTasksTests(HubClusterFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private ParallelClient Rc => fixture.Client;

    /// <summary>Waits (ignoring its token) until <paramref name="path"/> exists.</summary>
    private static int Blocked(string path)
    {
        while (!File.Exists(path)) Thread.Sleep(10);
        return 0;
    }

    private static string NewRelease() => Path.Combine(Path.GetTempPath(), $"release_{Guid.NewGuid():N}");

    [Fact]
    public async Task ViewAbort_OfChosenResults_AbortsOnlyThose()
    {
        var release = NewRelease();
        try
        {
            var view = Rc[0];
            var blocker = view.ApplyAsync(Blocked, release);
            var doomed = view.ApplyAsync(() => 1);
            var kept = view.ApplyAsync(() => 2);
            var doomedToo = view.ApplyAsync(() => 3);

            var outcome = await view.AbortAsync([doomed, doomedToo], Patience);

            Assert.True(outcome.AllEnded);
            Assert.Equal([doomed.MsgId, doomedToo.MsgId], outcome.Ended);
            await Assert.ThrowsAsync<TaskAbortedException>(() => doomed.AsTask());
            await Assert.ThrowsAsync<TaskAbortedException>(() => doomedToo.AsTask());
            File.WriteAllText(release, "");
            Assert.Equal(2, await kept.AsTask().WaitAsync(Patience));
            Assert.True(await Rc[..].WaitAsync([blocker, kept], Patience));
        }
        finally
        {
            File.WriteAllText(release, "");
        }
    }

    [Fact]
    public async Task ClientAbort_ByMsgId_ReachesAnotherClientsQueuedTask()
    {
        var release = NewRelease();
        await using var other = await fixture.SecondClientAsync();
        try
        {
            var blocker = other[1].ApplyAsync(Blocked, release);
            var queued = other[1].ApplyAsync(() => 5);
            await ClusterAssert.EventuallyAsync(async () => (await Rc.QueueStatusAsync([1], verbose: true)).Engines[0].Running == blocker.MsgId, "the blocker runs");

            var outcome = await Rc.AbortAsync([queued.MsgId], Patience);

            Assert.Equal([queued.MsgId], outcome.Ended);
            await Assert.ThrowsAsync<TaskAbortedException>(() => queued.AsTask().WaitAsync(Patience));
            File.WriteAllText(release, "");
            Assert.True(await Rc.WaitAsync([blocker.MsgId], Patience)); // another client's task, waited for through its record
            Assert.Equal(0, await blocker.AsTask());
        }
        finally
        {
            File.WriteAllText(release, "");
        }
    }

    [Fact]
    public async Task ChosenTasks_BadInput_IsRefusedNamingIt()
    {
        Assert.Contains("empty", (await Assert.ThrowsAsync<ArgumentException>(() => Rc.AbortAsync(Array.Empty<Guid>()))).Message);
        var unknown = Guid.NewGuid();
        Assert.Contains(unknown.ToString(), (await Assert.ThrowsAsync<KeyNotFoundException>(() => Rc.AbortAsync([unknown]))).Message);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Rc.AbortAsync([Rc[0].ApplyAsync(() => 1)], TimeSpan.FromSeconds(-1)));
        await Assert.ThrowsAsync<ArgumentException>(() => Rc.WaitAsync(Array.Empty<AsyncResult>()));
        Assert.Equal(1, await Rc[0].ApplyAsync(() => 1)); // nothing was disturbed
    }

    [Fact]
    public async Task SingleResult_HasItsMsgIdAndEngine_ASeveralTaskResultRefusesThem()
    {
        var direct = Rc[1].ApplyAsync(() => 1);
        Assert.Equal(direct.MsgIds.Single(), direct.MsgId);
        Assert.Equal(1, direct.EngineId);

        var balanced = Rc.LoadBalancedView().ApplyAsync(() => Environment.CurrentManagedThreadId);
        await balanced;
        Assert.Equal(balanced.Metadata[0].EngineId, balanced.EngineId);
        Assert.InRange(balanced.EngineId!.Value, 0, HubClusterFixture.Engines - 1);

        var several = Rc[..].ApplyAsync(() => 1);
        Assert.Contains("MsgIds", Assert.Throws<InvalidOperationException>(() => several.MsgId).Message);
        Assert.Throws<InvalidOperationException>(() => several.EngineId);
    }

    [Fact]
    public async Task TypedResultsByMsgId_FromAnotherClient_AndResubmitted()
    {
        var first = Rc[0].ApplyAsync(() => 41 + 1);
        await first;
        await using var other = await fixture.SecondClientAsync();

        Assert.Equal(42, await (await other.GetResultAsync<int>(first.MsgId)));
        Assert.Equal(42, await (await other.ResubmitAsync<int>(first.MsgId)));
        var wrongType = await other.GetResultAsync<string>(first.MsgId);
        Assert.Contains("not System.String", (await Assert.ThrowsAsync<InvalidCastException>(() => wrongType.AsTask())).Message);
    }

    [Fact]
    public async Task PushByName_TakesNullAndDelegates()
    {
        Func<int, int> twice = x => 2 * x;
        await Rc[0].PushAsync("pushed_null", null);
        await Rc[..].PushAsync("pushed_twice", twice);

        Assert.Null(await Rc[0].PullAsync<object>("pushed_null"));
        Assert.Equal([10, 10], await Rc[..].ApplyAsync((Func<int, int> f) => f(5), new Reference<Func<int, int>>("pushed_twice")));
        Assert.Throws<ArgumentException>(() => Rc[0].PushAsync("not a name", 1));
    }
}
