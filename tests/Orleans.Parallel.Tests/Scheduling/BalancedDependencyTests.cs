using Orleans.Parallel.Errors;
using Orleans.Parallel.Results;
using Orleans.Parallel.Scheduling;
using Orleans.Parallel.Tests.Cluster;
using TaskStatus = Orleans.Parallel.Engine.TaskStatus;

namespace Orleans.Parallel.Tests.Scheduling;

/// <summary>After and Follow dependencies on the cluster, ported from ipyparallel's test_dependency and test_lbview.</summary>
[Collection(ClusterCollection.Name)]
public class BalancedDependencyTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private ParallelClient Rc => fixture.Client;

    private static int Fail() => throw new InvalidOperationException("dependency failed on purpose");

    private static async Task Ended(params AsyncResult[] results)
    {
        foreach (var r in results) Assert.True(await r.WaitAsync(Patience), $"task {r.MsgIds[0]} did not end");
    }

    [Fact]
    public async Task After_SlowDependency_StartsAfterItCompleted()
    {
        var lb = Rc.LoadBalancedView();
        var first = lb.ApplyAsync(() => { Thread.Sleep(300); return 1; });
        var second = lb.With(after: first).ApplyAsync(() => 2);
        await Ended(first, second);

        Assert.Equal(1, await first);
        Assert.Equal(2, await second);
        var completed = first.Metadata[0].Completed!.Value;
        var started = second.Metadata[0].Started!.Value;
        Assert.True(started >= completed, $"the dependent started at {started:O}, before its dependency completed at {completed:O}");
    }

    [Fact]
    public async Task After_GivenAsMsgIds_StartsAfterItCompleted()
    {
        var lb = Rc.LoadBalancedView();
        var first = lb.ApplyAsync(() => { Thread.Sleep(300); return 1; });
        var second = lb.With(after: new Dependency(first.MsgIds)).ApplyAsync(() => 2);
        await Ended(first, second);

        Assert.Equal(2, await second);
        Assert.True(second.Metadata[0].Started >= first.Metadata[0].Completed);
    }

    [Fact]
    public async Task After_MsgIdsOfEndedTask_RunsAtOnce()
    {
        var lb = Rc.LoadBalancedView();
        var first = lb.ApplyAsync(() => 1);
        Assert.Equal(1, await first);
        var second = lb.With(after: new Dependency(first.MsgIds)).ApplyAsync(() => 2);
        Assert.True(await second.WaitAsync(Patience));
        Assert.Equal(2, await second);
    }

    [Fact]
    public async Task After_ManyDependencies_StartsAfterAllCompleted()
    {
        var lb = Rc.LoadBalancedView();
        var deps = Enumerable.Range(0, 3).Select(i => lb.ApplyAsync(() => { Thread.Sleep(100 * (i + 1)); return i; })).ToArray();
        var last = lb.With(after: new Dependency(deps)).ApplyAsync(() => -1);
        await Ended([.. deps, last]);

        Assert.Equal(-1, await last);
        var latest = deps.Max(d => d.Metadata[0].Completed!.Value);
        Assert.True(last.Metadata[0].Started >= latest);
    }

    [Fact]
    public async Task Follow_OneResult_EveryTaskRunsOnItsEngine()
    {
        var lb = Rc.LoadBalancedView();
        var leader = lb.ApplyAsync(() => 0);
        var followers = Enumerable.Range(1, 10).Select(i => lb.With(follow: leader).ApplyAsync(() => i)).ToArray();
        await Ended([leader, .. followers]);

        Assert.Equal(0, await leader);
        var engine = leader.Metadata[0].EngineId;
        Assert.Contains(engine, Rc.Ids);
        foreach (var (f, i) in followers.Select((f, i) => (f, i + 1)))
        {
            Assert.Equal(i, await f);
            Assert.Equal(engine, f.Metadata[0].EngineId);
            Assert.True(f.Metadata[0].Started >= leader.Metadata[0].Completed, "a follower started before the task it follows ended");
        }
    }

    [Fact]
    public async Task After_FailedDependencySuccessOnly_ImpossibleDependency()
    {
        var lb = Rc.LoadBalancedView();
        var failing = lb.ApplyAsync(Fail);
        var dependent = lb.With(after: failing).ApplyAsync(() => 1);
        await Ended(failing, dependent);

        await Assert.ThrowsAsync<RemoteException>(async () => await failing);
        var e = await Assert.ThrowsAsync<ImpossibleDependencyException>(async () => await dependent);
        Assert.Equal(dependent.MsgIds[0], e.MsgId);
        Assert.Null(dependent.Metadata[0].Started);
        Assert.IsType<ImpossibleDependencyException>(dependent.Metadata[0].Error);
        Assert.Throws<ImpossibleDependencyException>(() => dependent.Get(Patience));
    }

    [Fact]
    public async Task Follow_FailedDependencySuccessOnly_ImpossibleDependency()
    {
        var lb = Rc.LoadBalancedView();
        var failing = lb.ApplyAsync(Fail);
        var dependent = lb.With(follow: failing).ApplyAsync(() => 1);
        await Ended(failing, dependent);
        await Assert.ThrowsAsync<ImpossibleDependencyException>(async () => await dependent);
    }

    [Fact]
    public async Task After_FailureOnlyOnFailedTask_Runs()
    {
        var lb = Rc.LoadBalancedView();
        var failing = lb.ApplyAsync(Fail);
        var dependent = lb.With(after: new Dependency(failing) { Success = false, Failure = true }).ApplyAsync(() => 7);
        await Ended(failing, dependent);

        Assert.Equal(7, await dependent);
        Assert.True(dependent.Metadata[0].Started >= failing.Metadata[0].Completed);
    }

    [Fact]
    public async Task After_FailureOnlyOnSucceededTask_ImpossibleDependency()
    {
        var lb = Rc.LoadBalancedView();
        var ok = lb.ApplyAsync(() => 1);
        var dependent = lb.With(after: new Dependency(ok) { Success = false, Failure = true }).ApplyAsync(() => 7);
        await Ended(ok, dependent);
        await Assert.ThrowsAsync<ImpossibleDependencyException>(async () => await dependent);
    }

    [Fact]
    public async Task Follow_FailureCountsOnFailedTask_RunsOnItsEngine()
    {
        var lb = Rc.LoadBalancedView();
        var failing = lb.ApplyAsync(Fail);
        var dependent = lb.With(follow: new Dependency(failing) { Failure = true }).ApplyAsync(() => 7);
        await Ended(failing, dependent);

        Assert.Equal(7, await dependent);
        Assert.Equal(failing.Metadata[0].EngineId, dependent.Metadata[0].EngineId);
    }

    [Fact]
    public async Task After_UnknownMsgId_InvalidDependency()
    {
        var lb = Rc.LoadBalancedView();
        var dependent = lb.With(after: new Dependency(new[] { Guid.NewGuid() })).ApplyAsync(() => 1);
        Assert.True(await dependent.WaitAsync(Patience));
        var e = await Assert.ThrowsAsync<InvalidDependencyException>(async () => await dependent);
        Assert.Equal(dependent.MsgIds[0], e.MsgId);
        Assert.Throws<InvalidDependencyException>(() => dependent.Get());
        Assert.False(dependent.Successful);
    }

    [Fact]
    public async Task Follow_UnknownMsgId_InvalidDependency()
    {
        var dependent = Rc.LoadBalancedView().With(follow: new Dependency(new[] { Guid.NewGuid() })).ApplyAsync(() => 1);
        Assert.True(await dependent.WaitAsync(Patience));
        await Assert.ThrowsAsync<InvalidDependencyException>(async () => await dependent);
    }

    [Fact]
    public async Task Follow_AllOverTasksOnDifferentEngines_ImpossibleDependency()
    {
        var ids = Rc.Ids;
        var a = Rc.LoadBalancedView([ids[0]]).ApplyAsync(() => 1);
        var b = Rc.LoadBalancedView([ids[^1]]).ApplyAsync(() => 2);
        var c = Rc.LoadBalancedView().With(follow: new Dependency(a, b)).ApplyAsync(() => 3);
        await Ended(a, b, c);

        Assert.Equal(ids[0], a.Metadata[0].EngineId);
        Assert.Equal(ids[^1], b.Metadata[0].EngineId);
        var e = await Assert.ThrowsAsync<ImpossibleDependencyException>(async () => await c);
        Assert.Contains("different engines", e.Message);
    }

    [Fact]
    public async Task Follow_AnyOverTasksOnDifferentEngines_RunsOnOneOfThem()
    {
        var ids = Rc.Ids;
        var a = Rc.LoadBalancedView([ids[0]]).ApplyAsync(() => 1);
        var b = Rc.LoadBalancedView([ids[^1]]).ApplyAsync(() => 2);
        await Ended(a, b);
        var c = Rc.LoadBalancedView().With(follow: new Dependency(a, b) { All = false }).ApplyAsync(() => 3);
        await Ended(c);

        Assert.Equal(3, await c);
        Assert.Contains(c.Metadata[0].EngineId, new[] { ids[0], ids[^1] });
    }

    [Fact]
    public async Task Follow_ViewExcludingTheFollowedEngine_ImpossibleDependency()
    {
        var ids = Rc.Ids;
        var a = Rc.LoadBalancedView([ids[0]]).ApplyAsync(() => 1);
        var c = Rc.LoadBalancedView([ids[1], ids[2]]).With(follow: a).ApplyAsync(() => 3);
        await Ended(a, c);
        await Assert.ThrowsAsync<ImpossibleDependencyException>(async () => await c);
    }

    [Fact]
    public async Task Follow_GivenAsMsgIds_RunsOnTheEngine()
    {
        var lb = Rc.LoadBalancedView();
        var leader = lb.ApplyAsync(() => { Thread.Sleep(100); return 0; });
        var followers = Enumerable.Range(0, 4).Select(i => lb.With(follow: new Dependency(leader.MsgIds)).ApplyAsync(() => i)).ToArray();
        await Ended([leader, .. followers]);
        foreach (var f in followers) Assert.Equal(leader.Metadata[0].EngineId, f.Metadata[0].EngineId);
        Assert.All(followers, f => Assert.Equal(TaskStatus.Ok, f.Metadata[0].Status));
    }

    [Fact]
    public async Task Follow_DirectViewTask_RunsOnItsEngine()
    {
        var target = Rc.Ids[2];
        var direct = Rc[target].ApplyAsync(() => { Thread.Sleep(100); return 1; });
        var follower = Rc.LoadBalancedView().With(follow: direct).ApplyAsync(() => 2);
        await Ended(direct, follower);

        Assert.Equal(2, await follower);
        Assert.Equal(target, follower.Metadata[0].EngineId);
        Assert.True(follower.Metadata[0].Started >= direct.Metadata[0].Completed);
    }

    [Fact]
    public async Task Follow_FailingTaskWithRetries_EndsWithItsErrorOnTheFollowedEngine()
    {
        // A follower may run only where its leader ran, so a retry has nowhere else to go.
        var lb = Rc.LoadBalancedView();
        var leader = lb.ApplyAsync(() => 0);
        var follower = lb.With(follow: leader, retries: 3).ApplyAsync(Fail);
        await Ended(leader, follower);

        var e = await Assert.ThrowsAsync<RemoteException>(async () => await follower);
        Assert.Equal(leader.Metadata[0].EngineId, e.EngineId);
    }

    [Fact]
    public async Task Follow_FollowedEngineLacksRequirement_ImpossibleDependency()
    {
        var ids = Rc.Ids;
        var name = $"follow_req_{Guid.NewGuid():N}";
        try
        {
            await Rc[ids[1]].PushAsync(new Dictionary<string, object?> { [name] = 1 });
            var leader = Rc.LoadBalancedView([ids[0]]).ApplyAsync(() => 0);
            var follower = Rc.LoadBalancedView().With(follow: leader, require: new Requirement { Variables = [name] }).ApplyAsync(() => 1);
            await Ended(leader, follower);
            await Assert.ThrowsAsync<ImpossibleDependencyException>(async () => await follower);
        }
        finally
        {
            await Rc[..].ClearAsync();
        }
    }

    [Fact]
    public async Task After_ChainOfTasks_RunsInOrder()
    {
        var lb = Rc.LoadBalancedView();
        var chain = new List<AsyncResult<int>> { lb.ApplyAsync(() => { Thread.Sleep(50); return 0; }) };
        for (var i = 1; i < 5; i++)
        {
            var n = i;
            chain.Add(lb.With(after: chain[^1]).ApplyAsync(() => { Thread.Sleep(20); return n; }));
        }
        await Ended([.. chain]);
        for (var i = 1; i < chain.Count; i++)
        {
            Assert.Equal(i, await chain[i]);
            Assert.True(chain[i].Metadata[0].Started >= chain[i - 1].Metadata[0].Completed, $"link {i} started before link {i - 1} ended");
        }
    }

    [Fact]
    public async Task Timeout_HeldForAfterLongerThanTimeout_TaskTimeout()
    {
        // A dependency that will only end later: with a timeout shorter than the wait, the dependent times out.
        var lb = Rc.LoadBalancedView();
        var slow = lb.ApplyAsync(() => { Thread.Sleep(600); return 1; });
        var dependent = lb.With(after: slow, timeout: TimeSpan.FromMilliseconds(100)).ApplyAsync(() => 2);
        await Ended(slow, dependent);

        Assert.Equal(1, await slow);
        await Assert.ThrowsAsync<TaskTimeoutException>(async () => await dependent);
        Assert.Null(dependent.Metadata[0].Started);
    }

    [Fact]
    public async Task AbortAsync_TaskHeldForDependency_Aborted()
    {
        var lb = Rc.LoadBalancedView();
        var slow = lb.ApplyAsync(() => { Thread.Sleep(400); return 1; });
        var dependent = lb.With(after: slow).ApplyAsync(() => 2);
        await dependent.AbortAsync();
        await Ended(slow, dependent);

        Assert.Equal(1, await slow);
        await Assert.ThrowsAsync<TaskAbortedException>(async () => await dependent);
    }
}
