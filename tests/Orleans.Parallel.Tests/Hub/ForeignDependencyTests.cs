using Orleans.Parallel.Errors;
using Orleans.Parallel.Scheduling;
using Orleans.Parallel.Tests.Cluster;

namespace Orleans.Parallel.Tests.Hub;

/// <summary>
/// <c>After</c> and <c>Follow</c> on msg ids this client never saw (another client's tasks, or tasks of
/// a client that has since gone): resolved through the hub's records, as ipyparallel's scheduler does.
/// </summary>
[Collection(HubCollection.Name)]
public sealed class ForeignDependencyTests(HubClusterFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private ParallelClient Rc => fixture.Client;

    [Fact]
    public async Task Follow_AnotherClientsEndedTask_RunsOnItsEngine()
    {
        var ran = Rc.LoadBalancedView([HubClusterFixture.Engines - 1]).ApplyAsync(() => 1);
        await ran;
        await using var later = await fixture.SecondClientAsync();

        var follower = later.LoadBalancedView().With(follow: new Dependency([ran.MsgId])).ApplyAsync(() => 2);

        Assert.Equal(2, await follower.AsTask().WaitAsync(Patience));
        Assert.Equal(ran.EngineId, follower.EngineId);
    }

    [Fact]
    public async Task After_AnotherClientsPendingTask_WaitsForItToEnd()
    {
        var release = Path.Combine(Path.GetTempPath(), $"release_{Guid.NewGuid():N}");
        await using var other = await fixture.SecondClientAsync();
        try
        {
            var first = other[0].ApplyAsync((string path) => { while (!File.Exists(path)) Thread.Sleep(10); return 1; }, release);
            var second = Rc.LoadBalancedView().With(after: new Dependency([first.MsgId])).ApplyAsync(() => DateTime.UtcNow);

            Assert.False(await second.WaitAsync(TimeSpan.FromMilliseconds(500))); // held while the other client's task runs
            File.WriteAllText(release, "");
            var started = await second.AsTask().WaitAsync(Patience);
            await first;
            Assert.True(started >= first.Metadata[0].Completed!.Value.AddMilliseconds(-50));
        }
        finally
        {
            File.WriteAllText(release, "");
        }
    }

    [Fact]
    public async Task After_AnotherClientsFailedTask_IsUnmet_AsForOwnTasks()
    {
        await using var other = await fixture.SecondClientAsync();
        var failed = other[1].ApplyAsync(() => throw new InvalidOperationException("no"));
        await Assert.ThrowsAsync<RemoteException>(() => failed.AsTask());

        var dependent = Rc.LoadBalancedView().With(after: new Dependency([failed.MsgId])).ApplyAsync(() => 1);

        await Assert.ThrowsAsync<ImpossibleDependencyException>(() => dependent.AsTask().WaitAsync(Patience));
        var tolerant = Rc.LoadBalancedView().With(after: new Dependency([failed.MsgId]) { Failure = true }).ApplyAsync(() => 3);
        Assert.Equal(3, await tolerant.AsTask().WaitAsync(Patience));
    }

    [Fact]
    public async Task After_AnIdNoTaskHas_IsInvalid_NamingIt()
    {
        var nowhere = Guid.NewGuid();
        var dependent = Rc.LoadBalancedView().With(after: new Dependency([nowhere])).ApplyAsync(() => 1);

        var error = await Assert.ThrowsAsync<InvalidDependencyException>(() => dependent.AsTask().WaitAsync(Patience));
        Assert.Contains(nowhere.ToString(), error.Message);
        Assert.Contains("no record", error.Message); // after waiting for a record on its way
        Assert.Equal(1, await Rc.LoadBalancedView().ApplyAsync(() => 1)); // nothing else was disturbed
    }
}
