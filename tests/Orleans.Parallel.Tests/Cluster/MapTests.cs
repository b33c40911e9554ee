using Orleans.Parallel.Errors;
using TaskStatus = Orleans.Parallel.Engine.TaskStatus;

namespace Orleans.Parallel.Tests.Cluster;

/// <summary>DirectView.Map: one task per engine over contiguous chunks, results in input order.</summary>
[Collection(ClusterCollection.Name)]
public class MapTests(ClusterFixture fixture)
{
    private ParallelClient Rc => fixture.Client;

    [Fact]
    public async Task Map_Squares_ResultsInInputOrder()
    {
        var results = await Rc[..].MapAsync((int i) => i * i, Enumerable.Range(0, 23));
        Assert.Equal(Enumerable.Range(0, 23).Select(i => i * i), results);
    }

    [Fact]
    public async Task Map_TenItems_OneTaskPerEngineInTargetOrder()
    {
        var result = Rc[..].MapAsync((int i) => i + 1, Enumerable.Range(0, 10));
        var values = await result;

        Assert.Equal(4, result.MsgIds.Count);
        Assert.Equal([0, 1, 2, 3], result.Metadata.Select(m => m.EngineId));
        Assert.Equal(Enumerable.Range(1, 10), values);
    }

    [Fact]
    public async Task Map_EmptyInput_EmptyResultAndNoTask()
    {
        var result = Rc[..].MapAsync((int i) => i, Array.Empty<int>());

        Assert.Empty(result.MsgIds);
        Assert.True(result.Ready);
        Assert.Empty(await result);
        Assert.Empty(result.Get(TimeSpan.Zero));
    }

    [Fact]
    public async Task Map_FewerItemsThanEngines_SkipsEmptyChunks()
    {
        var result = Rc[..].MapAsync((int i) => -i, new[] { 5, 6 });
        var values = await result;

        Assert.Equal(2, result.MsgIds.Count);
        Assert.Equal([0, 1], result.Metadata.Select(m => m.EngineId));
        Assert.Equal([-5, -6], values);
    }

    [Fact]
    public async Task Map_SubsetView_ChunksFollowTargetOrder()
    {
        var result = Rc[new[] { 3, 1 }].MapAsync((string s) => s.ToUpperInvariant(), ["a", "b", "c"]);
        var values = await result;

        Assert.Equal([3, 1], result.Metadata.Select(m => m.EngineId));
        Assert.Equal(["A", "B", "C"], values);
    }

    [Fact]
    public async Task Map_ClosureAndTypeChange_UsesCaptureAndReturnsNewType()
    {
        var suffix = "!";
        var results = await Rc[..].MapAsync((int i) => i + suffix, Enumerable.Range(0, 6));
        Assert.Equal(["0!", "1!", "2!", "3!", "4!", "5!"], results);
    }

    [Fact]
    public async Task Map_AsyncFunction_ResultsAreAwaitedValues()
    {
        Func<int, Task<int>> slowDouble = async i => { await Task.Delay(5); return 2 * i; };
        var results = await Rc[..].MapAsync(slowDouble, Enumerable.Range(0, 8));
        Assert.Equal(8, results.Count);
        for (var i = 0; i < 8; i++) Assert.Equal(2 * i, await AsValueAsync(results[i]));
    }

    private static async Task<object?> AsValueAsync(object? value) => value is Task<int> task ? await task : value;

    [Fact]
    public async Task Map_AwaitForeach_YieldsInInputOrder()
    {
        var seen = new List<int>();
        await foreach (var value in Rc[..].MapAsync((int i) => i * 3, Enumerable.Range(0, 9)))
            seen.Add(value);
        Assert.Equal(Enumerable.Range(0, 9).Select(i => i * 3), seen);
    }

    [Fact]
    public async Task Map_OneItemThrows_CompositeNamesThatEngineOnly()
    {
        var result = Rc[..].MapAsync((int i) => i == 6 ? throw new ArgumentException($"bad item {i}") : i, Enumerable.Range(0, 8));

        var error = await Assert.ThrowsAsync<CompositeException>(async () => await result);

        var remote = Assert.IsType<RemoteException>(Assert.Single(error.Errors));
        Assert.Equal(3, remote.EngineId);
        Assert.Equal("System.ArgumentException", remote.RemoteType);
        Assert.Equal("bad item 6", remote.RemoteMessage);
        Assert.Equal([TaskStatus.Ok, TaskStatus.Ok, TaskStatus.Ok, TaskStatus.Error], result.Metadata.Select(m => m.Status));
        Assert.Equal([1, 1, 1, 1], await Rc[..].MapAsync((int i) => i, [1, 1, 1, 1]));
    }

    [Fact]
    public void MapSync_ThreeItems_ReturnsValuesInOrder()
    {
        Assert.Equal([2, 4, 6], Rc[..].MapSync((int i) => i * 2, [1, 2, 3]));
    }

    [Fact]
    public async Task Map_NullItems_ThrowsArgumentNullOnClient()
    {
        var error = await ClusterAssert.RejectedOnClientAsync<ArgumentNullException>(Rc, () => Rc[..].MapAsync((int i) => i, null!));
        Assert.Equal("items", error.ParamName);
    }

    [Fact]
    public async Task Map_NullFunction_ThrowsArgumentNullOnClient()
    {
        await ClusterAssert.RejectedOnClientAsync<ArgumentNullException>(Rc, () => Rc[..].MapAsync((Func<int, int>)null!, [1, 2]));
    }

    [Fact]
    public async Task Map_NullFunctionWithEmptyItems_StillThrowsArgumentNull()
    {
        await ClusterAssert.RejectedOnClientAsync<ArgumentNullException>(Rc, () => Rc[..].MapAsync((Func<int, int>)null!, Array.Empty<int>()));
    }
}
