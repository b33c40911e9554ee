namespace Orleans.Parallel.Tests.Cluster;

/// <summary>Scatter and Gather: contiguous blocks in target order, the first len % n engines one item more.</summary>
[Collection(ClusterCollection.Name)]
public class ScatterGatherTests(ClusterFixture fixture)
{
    private ParallelClient Rc => fixture.Client;

    [Fact]
    public async Task Scatter_TenItemsOverFourEngines_ContiguousBlocksFirstTwoLonger()
    {
        await Rc[..].ScatterAsync("sg_ten", Enumerable.Range(0, 10).ToArray());

        Assert.Equal([0, 1, 2], Rc[0].PullSync<int[]>("sg_ten"));
        Assert.Equal([3, 4, 5], Rc[1].PullSync<int[]>("sg_ten"));
        Assert.Equal([6, 7], Rc[2].PullSync<int[]>("sg_ten"));
        Assert.Equal([8, 9], Rc[3].PullSync<int[]>("sg_ten"));
    }

    [Fact]
    public async Task Gather_AfterScatter_RestoresExactSequence()
    {
        var random = new Random(1234);
        var data = Enumerable.Range(0, 1001).Select(_ => random.Next()).ToArray();
        await Rc[..].ScatterAsync("sg_seq", data);

        var gathered = await Rc[..].GatherAsync<int>("sg_seq");

        Assert.Equal(data, gathered);
    }

    [Fact]
    public async Task Scatter_Strings_GatherRestoresThem()
    {
        string[] words = ["alpha", "beta", "gamma", "delta", "epsilon"];
        await Rc[..].ScatterAsync("sg_words", words);

        Assert.Equal(["alpha", "beta"], Rc[0].PullSync<string[]>("sg_words"));
        Assert.Equal(["epsilon"], Rc[3].PullSync<string[]>("sg_words"));
        Assert.Equal(words, await Rc[..].GatherAsync<string>("sg_words"));
    }

    [Fact]
    public async Task Scatter_ListInput_EachEngineGetsListBlock()
    {
        var data = new List<double> { 0.5, 1.5, 2.5, 3.5, 4.5, 5.5 };
        await Rc[..].ScatterAsync("sg_list", data);

        Assert.Equal(typeof(List<double>), Rc[0].PullSync<object>("sg_list").GetType());
        Assert.Equal([0.5, 1.5], Rc[0].PullSync<List<double>>("sg_list"));
        Assert.Equal([2.5, 3.5], Rc[1].PullSync<List<double>>("sg_list"));
        Assert.Equal([4.5], Rc[2].PullSync<List<double>>("sg_list"));
        Assert.Equal([5.5], Rc[3].PullSync<List<double>>("sg_list"));
        Assert.Equal(data, await Rc[..].GatherAsync<double>("sg_list"));
    }

    [Fact]
    public async Task Scatter_LazySequence_EnginesGetArrays()
    {
        await Rc[..].ScatterAsync("sg_lazy", Enumerable.Range(1, 8).Select(i => i * i));

        Assert.Equal([1, 4], Rc[0].PullSync<int[]>("sg_lazy"));
        Assert.Equal([49, 64], Rc[3].PullSync<int[]>("sg_lazy"));
    }

    [Fact]
    public async Task Scatter_FlattenOneItemChunks_PushesScalars()
    {
        await Rc[..].ScatterAsync("sg_flat", new[] { 70, 71, 72, 73 }, flatten: true);

        for (var id = 0; id < 4; id++) Assert.Equal(70 + id, Rc[id].PullSync<int>("sg_flat"));
        Assert.Equal([70, 71, 72, 73], await Rc[..].GatherAsync<int>("sg_flat"));
    }

    [Fact]
    public async Task Scatter_FlattenMixedChunks_OnlyOneItemChunksBecomeScalars()
    {
        await Rc[..].ScatterAsync("sg_mixed", new[] { 1, 2, 3, 4, 5, 6 }, flatten: true);

        Assert.Equal([1, 2], Rc[0].PullSync<int[]>("sg_mixed"));
        Assert.Equal([3, 4], Rc[1].PullSync<int[]>("sg_mixed"));
        Assert.Equal(5, Rc[2].PullSync<int>("sg_mixed"));
        Assert.Equal(6, Rc[3].PullSync<int>("sg_mixed"));
        Assert.Equal([1, 2, 3, 4, 5, 6], await Rc[..].GatherAsync<int>("sg_mixed"));
    }

    [Fact]
    public async Task Scatter_FlattenStrings_GatherKeepsWholeStrings()
    {
        await Rc[..].ScatterAsync("sg_flat_s", new[] { "ab", "cd", "ef", "gh" }, flatten: true);

        Assert.Equal("cd", Rc[1].PullSync<string>("sg_flat_s"));
        Assert.Equal(["ab", "cd", "ef", "gh"], await Rc[..].GatherAsync<string>("sg_flat_s"));
    }

    [Fact]
    public async Task Scatter_WithoutFlatten_OneItemChunksStayArrays()
    {
        await Rc[..].ScatterAsync("sg_noflat", new[] { 5, 6, 7, 8 });
        Assert.Equal([6], Rc[1].PullSync<int[]>("sg_noflat"));
    }

    [Fact]
    public async Task Scatter_FewerItemsThanEngines_TrailingEnginesGetEmptyBlocks()
    {
        await Rc[..].ScatterAsync("sg_few", new[] { 10, 20 });

        Assert.Equal([10], Rc[0].PullSync<int[]>("sg_few"));
        Assert.Equal([20], Rc[1].PullSync<int[]>("sg_few"));
        Assert.Empty(Rc[2].PullSync<int[]>("sg_few"));
        Assert.Empty(Rc[3].PullSync<int[]>("sg_few"));
        Assert.Equal([10, 20], await Rc[..].GatherAsync<int>("sg_few"));
    }

    [Fact]
    public async Task Scatter_EmptySequence_EveryEngineGetsEmptyBlock()
    {
        await Rc[..].ScatterAsync("sg_empty", Array.Empty<int>());

        Assert.All(Rc.Ids, id => Assert.Empty(Rc[id].PullSync<int[]>("sg_empty")));
        Assert.Empty(await Rc[..].GatherAsync<int>("sg_empty"));
    }

    [Fact]
    public async Task Scatter_SubsetInTargetOrder_FirstTargetGetsFirstBlock()
    {
        var view = Rc[new[] { 3, 1 }];
        await view.ScatterAsync("sg_subset", new[] { 1, 2, 3 });

        Assert.Equal([1, 2], Rc[3].PullSync<int[]>("sg_subset"));
        Assert.Equal([3], Rc[1].PullSync<int[]>("sg_subset"));
        Assert.Equal([1, 2, 3], await view.GatherAsync<int>("sg_subset"));
    }

    [Fact]
    public async Task Scatter_ThenExecuteOnBlocks_GatherGivesTransformedSequence()
    {
        await Rc[..].ScatterAsync("sg_src", Enumerable.Range(0, 9).ToArray());
        await Rc[..].ExecuteAsync("var sg_dst = sg_src.Select(v => v * 10).ToArray();");
        Assert.Equal(Enumerable.Range(0, 9).Select(v => v * 10), await Rc[..].GatherAsync<int>("sg_dst"));
    }

    [Fact]
    public async Task ScatterAsync_ThreeItemsFourEngines_OneTaskPerEngine()
    {
        var result = Rc[..].ScatterAsync("sg_msgs", Enumerable.Range(0, 3).ToArray());
        await result;
        Assert.Equal(4, result.MsgIds.Count);
        Assert.Equal(4, result.MsgIds.Distinct().Count());
        Assert.Equal([0, 1, 2, 3], result.Metadata.Select(m => m.EngineId));
    }

    [Fact]
    public void ScatterSyncGatherSync_FiveItems_RestoreSequence()
    {
        Rc[..].ScatterSync("sg_sync", new[] { 4, 3, 2, 1, 0 });
        Assert.Equal([4, 3, 2, 1, 0], Rc[..].GatherSync<int>("sg_sync"));
    }

    [Fact]
    public async Task Scatter_BadName_ThrowsArgumentExceptionOnClient()
    {
        var error = await ClusterAssert.RejectedOnClientAsync<ArgumentException>(Rc, () => Rc[..].ScatterAsync("9lives", new[] { 1 }));
        Assert.Contains("'9lives'", error.Message);
        await ClusterAssert.RejectedOnClientAsync<ArgumentException>(Rc, () => Rc[..].ScatterAsync("", new[] { 1 }));
    }

    [Fact]
    public async Task Scatter_NullItems_ThrowsArgumentNullOnClient()
    {
        var error = await ClusterAssert.RejectedOnClientAsync<ArgumentNullException>(Rc, () => Rc[..].ScatterAsync<int>("sg_null", null!));
        Assert.Equal("items", error.ParamName);
    }

    [Fact]
    public async Task Gather_AfterScatterOfMillionInts_RestoresExactSequence()
    {
        var data = Enumerable.Range(-500_000, 1_000_001).ToArray();
        await Rc[..].ScatterAsync("sg_million", data);

        Assert.Equal(250_001, Rc[0].PullSync<int[]>("sg_million").Length);
        Assert.Equal(250_000, Rc[3].PullSync<int[]>("sg_million").Length);
        Assert.Equal(data, await Rc[..].GatherAsync<int>("sg_million"));
    }

    public static TheoryData<Array> ElementTypes => new()
    {
        new byte[] { 1, 2, 3, 250, 0 },
        new bool[] { true, false, true, true, false },
        new char[] { 'a', 'é', 'z', '\0', '€' },
        new short[] { -1, 2, short.MaxValue, short.MinValue, 0 },
        new long[] { long.MinValue, -1, 0, 1, long.MaxValue },
        new float[] { 1.5f, float.NaN, float.NegativeInfinity, -0f, 3e38f },
        new double[] { 0.1, double.Epsilon, double.MaxValue, -2.5, double.NaN },
        new decimal[] { 1.10m, -0.001m, decimal.MaxValue, 0m, 7m },
        new DateTime[] { DateTime.MinValue, new(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc), DateTime.MaxValue, new(1999, 12, 31), new(2000, 2, 29, 1, 2, 3, DateTimeKind.Local) },
        new Guid[] { Guid.Empty, Guid.Parse("6f9619ff-8b86-d011-b42d-00c04fc964ff"), Guid.Empty, Guid.Parse("00000000-0000-0000-0000-000000000001"), Guid.Empty },
        new string?[] { "x", null, "", "long text", "ü" },
    };

    [Theory]
    [MemberData(nameof(ElementTypes))]
    public async Task ScatterGather_ElementType_BlocksKeepTypeAndGatherRestoresSequence(Array data)
    {
        var elementType = data.GetType().GetElementType()!;
        var scatter = typeof(ScatterGatherTests).GetMethod(nameof(ScatterAndGatherAsync), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
            .MakeGenericMethod(elementType);
        await (Task)scatter.Invoke(this, [data])!;
    }

    private async Task ScatterAndGatherAsync<T>(T[] data)
    {
        await Rc[..].ScatterAsync("sg_typed", data);

        var first = Rc[0].PullSync<object>("sg_typed");
        Assert.Equal(typeof(T[]), first.GetType());
        Assert.Equal(data[..2], (T[])first);
        Assert.Equal(data[4..], Rc[3].PullSync<T[]>("sg_typed"));
        Assert.Equal(data, await Rc[..].GatherAsync<T>("sg_typed"));
    }
}
