using System.Diagnostics;
using Orleans.Parallel.Errors;

namespace Orleans.Parallel.Tests.Cluster;

/// <summary>ParallelClient: engine ids, waiting for engines, and the indexers that make views.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClientTests(ClusterFixture fixture)
{
    private ParallelClient Rc => fixture.Client;

    /// <summary>Gives engine i the value i * 10 under <paramref name="name"/>, so views can be told apart by what they pull.</summary>
    private async Task PushEngineMarksAsync(string name)
    {
        foreach (var id in Rc.Ids)
            await Rc[id].PushAsync(new Dictionary<string, object?> { [name] = id * 10 });
    }

    [Fact]
    public void Ids_FourEngines_SortedZeroToThree()
    {
        Assert.Equal([0, 1, 2, 3], Rc.Ids);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4)]
    public async Task WaitForEnginesAsync_AtMostRegistered_ReturnsAtOnce(int count)
    {
        var clock = Stopwatch.StartNew();
        await Rc.WaitForEnginesAsync(count, TimeSpan.FromSeconds(10));
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task WaitForEnginesAsync_MoreThanRegistered_ThrowsTimeoutExceptionAfterTimeout()
    {
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<TimeoutException>(() => Rc.WaitForEnginesAsync(99, TimeSpan.FromMilliseconds(300)));
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(290), TimeSpan.FromSeconds(3));
        Assert.Contains("99", error.Message);
        Assert.Contains("Only 4 ", error.Message);
    }

    [Fact]
    public async Task EngineIndexer_OneId_GivesScalarResults()
    {
        await PushEngineMarksAsync("client_scalar");

        var engine = Rc[2];
        int value = await engine.PullAsync<int>("client_scalar");
        int applied = await engine.ApplyAsync((int x) => x + 1, 41);

        Assert.Equal(2, engine.EngineId);
        Assert.Equal(20, value);
        Assert.Equal(42, applied);
    }

    [Fact]
    public async Task RangeIndexer_ZeroToTwo_GivesListOfFirstTwoEnginesInOrder()
    {
        await PushEngineMarksAsync("client_range");

        var view = Rc[0..2];
        var result = view.PullAsync<int>("client_range");
        var values = await result;

        Assert.Equal([0, 1], view.TargetIds);
        Assert.Equal([0, 10], values);
        Assert.Equal([0, 1], result.Metadata.Select(m => m.EngineId));
    }

    [Fact]
    public async Task RangeIndexer_All_GivesEveryEngineInIdOrder()
    {
        await PushEngineMarksAsync("client_all");

        var view = Rc[..];

        Assert.Equal([0, 1, 2, 3], view.TargetIds);
        Assert.Equal([0, 10, 20, 30], await view.PullAsync<int>("client_all"));
    }

    [Fact]
    public async Task ListIndexer_IdsOutOfOrder_GivesListInTargetOrder()
    {
        await PushEngineMarksAsync("client_list");

        Assert.Equal([0, 20], await Rc[new[] { 0, 2 }].PullAsync<int>("client_list"));
        Assert.Equal([30, 0, 10], await Rc[new[] { 3, 0, 1 }].PullAsync<int>("client_list"));
    }

    [Fact]
    public async Task ListIndexer_OneId_GivesOneElementList()
    {
        await PushEngineMarksAsync("client_one");

        IReadOnlyList<int> fromList = await Rc[new[] { 1 }].PullAsync<int>("client_one");
        IReadOnlyList<int> fromRange = await Rc[1..2].PullAsync<int>("client_one");

        Assert.Equal([10], fromList);
        Assert.Equal([10], fromRange);
    }

    [Fact]
    public void EngineIndexer_UnknownId_ThrowsAtOnceNamingId()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Rc[7]);
        Assert.Contains("7", error.Message);
        Assert.Equal(7, error.ActualValue);
    }

    [Fact]
    public void ListIndexer_OneUnknownId_ThrowsAtOnceNamingId()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Rc[new[] { 0, 7, 1 }]);
        Assert.Contains("7", error.Message);
        Assert.Equal(7, error.ActualValue);
    }

    [Fact]
    public void EngineIndexer_NegativeId_ThrowsAtOnce()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Rc[-1]);
        Assert.Contains("-1", error.Message);
    }

    [Fact]
    public async Task IndexFromEnd_Hat1_IsLastEngine()
    {
        await PushEngineMarksAsync("client_hat");

        var last = Rc[^1];

        Assert.Equal(3, last.EngineId);
        Assert.Equal(30, await last.PullAsync<int>("client_hat"));
        Assert.Equal(0, Rc[^4].EngineId);
    }

    [Fact]
    public void IndexFromEnd_BeyondFirst_ThrowsArgumentOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Rc[^5]);
    }

    [Fact]
    public void ListIndexer_EmptyList_ThrowsArgumentException()
    {
        var error = Assert.Throws<ArgumentException>(() => Rc[Array.Empty<int>()]);
        Assert.Equal("engineIds", error.ParamName);
    }

    [Fact]
    public async Task RangeIndexer_SelectsNoEngine_ThrowsNoEnginesExceptionOnUse()
    {
        var beyond = Rc[4..];

        var error = await ClusterAssert.RejectedOnClientAsync<NoEnginesException>(Rc, () => beyond.ExecuteAsync("var client_none = 1;"));

        Assert.Contains("4..", error.Message);
    }

    [Fact]
    public async Task DirectView_AllEngines_TargetsEveryId()
    {
        await PushEngineMarksAsync("client_dv");

        var view = Rc.DirectView();

        Assert.Equal([0, 1, 2, 3], view.TargetIds);
        Assert.Equal([0, 10, 20, 30], await view.PullAsync<int>("client_dv"));
    }

    [Fact]
    public async Task QueueStatusAsync_Idle_OneStatusPerEngineInIdOrder()
    {
        var all = (await Rc.QueueStatusAsync(verbose: true)).Engines;
        var some = (await Rc.QueueStatusAsync([3, 1])).Engines;

        Assert.Equal([0, 1, 2, 3], all.Select(s => s.EngineId));
        Assert.All(all, s => { Assert.Empty(s.Queued); Assert.Equal(0, s.QueueLength); Assert.Null(s.Running); });
        Assert.Equal([3, 1], some.Select(s => s.EngineId));
    }

    [Fact]
    public async Task QueueStatusAsync_AfterTasks_CompletedCountGrowsByTaskCount()
    {
        var before = (await Rc.QueueStatusAsync()).Engines;

        await Rc[..].ExecuteAsync("var client_count = 1;");
        await Rc[2].ExecuteAsync("var client_count2 = 2;");

        var after = (await Rc.QueueStatusAsync()).Engines;
        Assert.Equal(before.Select((s, i) => s.Completed + (i == 2 ? 2 : 1)), after.Select(s => s.Completed));
    }

    [Fact]
    public async Task WaitAsync_TaskOutstanding_FalseAtTimeoutThenTrue()
    {
        var slow = Rc[3].ApplyAsync(() => { Thread.Sleep(600); return 3; });

        Assert.False(await Rc.WaitAsync(TimeSpan.FromMilliseconds(50)));
        Assert.False(await Rc[..].WaitAsync(TimeSpan.FromMilliseconds(50)));
        Assert.True(await Rc[0..3].WaitAsync(TimeSpan.Zero));
        Assert.True(await Rc[0].WaitAsync(TimeSpan.Zero));
        Assert.False(await Rc[3].WaitAsync(TimeSpan.Zero));

        Assert.True(await Rc.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(slow.Ready);
        Assert.Equal(3, slow.Get(TimeSpan.Zero));
        Assert.True(Rc[..].Wait(TimeSpan.Zero));
    }

    [Fact]
    public void Views_ToString_NameTheirTargets()
    {
        Assert.Equal("<DirectView [0, 2]>", Rc[new[] { 0, 2 }].ToString());
        Assert.Equal("<EngineView 1>", Rc[1].ToString());
        Assert.Contains("..", Rc[..].ToString());
    }
}
