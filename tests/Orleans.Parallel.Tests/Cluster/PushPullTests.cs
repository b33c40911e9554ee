using Orleans.Parallel.Errors;

namespace Orleans.Parallel.Tests.Cluster;

/// <summary>Push, Pull, the view indexer and Clear.</summary>
[Collection(ClusterCollection.Name)]
public class PushPullTests(ClusterFixture fixture)
{
    private ParallelClient Rc => fixture.Client;

    [Fact]
    public async Task Push_AnonymousObject_SetsEveryPropertyOnEveryEngine()
    {
        var all = Rc[..];
        await all.PushAsync(new { pp_a = 1, pp_b = "two", pp_c = new[] { 1.5, 2.5 } });

        Assert.Equal([1, 1, 1, 1], await all.PullAsync<int>("pp_a"));
        Assert.Equal(["two", "two", "two", "two"], await all.PullAsync<string>("pp_b"));
        Assert.Equal(Enumerable.Repeat(new[] { 1.5, 2.5 }, 4), await all.PullAsync<double[]>("pp_c"));
    }

    [Fact]
    public async Task Push_Dictionary_SetsEveryEntryIncludingNull()
    {
        var all = Rc[..];
        await all.PushAsync(new Dictionary<string, object?> { ["pp_d"] = 3L, ["pp_null"] = null, ["pp_list"] = new List<string> { "x", "y" } });

        Assert.Equal([3L, 3L, 3L, 3L], await all.PullAsync<long>("pp_d"));
        Assert.Equal([null, null, null, null], await all.PullAsync<string?>("pp_null"));
        Assert.Equal(Enumerable.Repeat(new List<string> { "x", "y" }, 4), await all.PullAsync<List<string>>("pp_list"));
    }

    [Fact]
    public async Task Push_ExistingName_Overwrites()
    {
        await Rc[..].PushAsync(new { pp_over = 1 });
        await Rc[..].PushAsync(new { pp_over = "second" });
        Assert.Equal(Enumerable.Repeat("second", 4), await Rc[..].PullAsync<string>("pp_over"));
    }

    public static TheoryData<object> RoundTripValues => new()
    {
        "text",
        'c',
        true,
        (byte)7,
        -12,
        123456789012L,
        3.25,
        2.5f,
        1.10m,
        new DateTime(2024, 2, 29, 13, 14, 15, DateTimeKind.Utc),
        TimeSpan.FromMinutes(90),
        Guid.Parse("9b2a6f0c-3e68-4a5b-9a3e-6d1c2b3a4f5e"),
        DayOfWeek.Friday,
        new[] { 1, 2, 3 },
        new byte[] { 0, 1, 255 },
        new double[] { 1.5, double.NaN, -0.0 },
        new long[] { long.MinValue, long.MaxValue },
        new bool[] { true, false },
        Array.Empty<int>(),
        new double[1000, 3],
        new[] { "a", "b" },
        new[,] { { 1, 2 }, { 3, 4 } },
        new[] { new[] { 1 }, new[] { 2, 3 } },
        new List<double> { 0.5, 1.5 },
        new Dictionary<string, int> { ["one"] = 1, ["two"] = 2 },
        new HashSet<int> { 3, 1, 2 },
        (1, "tuple"),
    };

    [Theory]
    [MemberData(nameof(RoundTripValues))]
    public async Task PushThenPull_Value_RoundTripsWithRuntimeType(object value)
    {
        await Rc[1].PushAsync(new Dictionary<string, object?> { ["pp_round"] = value });
        var back = await Rc[1].PullAsync("pp_round");
        Assert.NotNull(back);
        Assert.Equal(value.GetType(), back.GetType());
        Assert.Equal(value, back);
    }

    [Fact]
    public async Task Pull_SeveralNames_GivesOneDictionaryPerEngineInNameOrder()
    {
        foreach (var id in Rc.Ids) await Rc[id].PushAsync(new { pp_m1 = id, pp_m2 = $"e{id}" });

        var dictionaries = await Rc[..].PullAsync(["pp_m2", "pp_m1"]);

        Assert.Equal(4, dictionaries.Count);
        for (var id = 0; id < 4; id++)
        {
            Assert.Equal(["pp_m2", "pp_m1"], dictionaries[id].Keys);
            Assert.Equal($"e{id}", dictionaries[id]["pp_m2"]);
            Assert.Equal(id, dictionaries[id]["pp_m1"]);
        }
    }

    [Fact]
    public async Task Pull_SeveralNamesFromOneEngine_GivesOneDictionary()
    {
        await Rc[2].PushAsync(new { pp_s1 = 1, pp_s2 = "two" });

        var values = await Rc[2].PullAsync(["pp_s1", "pp_s2"]);

        Assert.Equal(new Dictionary<string, object?> { ["pp_s1"] = 1, ["pp_s2"] = "two" }, values);
    }

    [Fact]
    public void ViewIndexer_SetThenGet_PushesAndPullsEveryEngine()
    {
        var all = Rc[..];
        all["pp_idx"] = 5;

        var values = Assert.IsAssignableFrom<IReadOnlyList<object?>>(all["pp_idx"]);
        Assert.Equal([5, 5, 5, 5], values);
        Assert.Equal(5, Rc[3].PullSync<int>("pp_idx"));
    }

    [Fact]
    public void EngineIndexer_SetThenGet_ScalarOnThatEngineOnly()
    {
        Rc[..]["pp_eidx"] = 0;
        Rc[2]["pp_eidx"] = "mine";

        Assert.Equal("mine", Rc[2]["pp_eidx"]);
        Assert.Equal(0, Rc[1]["pp_eidx"]);
        Assert.Equal([0, 0, "mine", 0], Assert.IsAssignableFrom<IReadOnlyList<object?>>(Rc[..]["pp_eidx"]));
    }

    [Fact]
    public async Task Push_ToSubsetView_OnlyThoseEnginesChange()
    {
        await Rc[..].PushAsync(new { pp_sub = -1 });
        await Rc[new[] { 3, 1 }].PushAsync(new { pp_sub = 7 });
        Assert.Equal([-1, 7, -1, 7], await Rc[..].PullAsync<int>("pp_sub"));
    }

    [Fact]
    public void PushSyncPullSync_AllAndOneEngine_ReturnValuesDirectly()
    {
        Rc[..].PushSync(new { pp_sync = 8 });
        IReadOnlyList<int> fromAll = Rc[..].PullSync<int>("pp_sync");
        int fromOne = Rc[0].PullSync<int>("pp_sync");
        Assert.Equal([8, 8, 8, 8], fromAll);
        Assert.Equal(8, fromOne);
        Assert.Equal(["pp_sync"], Rc[..].PullSync(["pp_sync"])[3].Keys);
    }

    [Fact]
    public async Task Pull_AsWrongType_ThrowsInvalidCastNamingEngineAndTypes()
    {
        await Rc[1].PushAsync(new { pp_typed = 5 });
        var error = await Assert.ThrowsAsync<InvalidCastException>(async () => await Rc[1].PullAsync<string>("pp_typed"));
        Assert.Contains("Engine 1", error.Message);
        Assert.Contains("System.Int32", error.Message);
        Assert.Contains("System.String", error.Message);
    }

    [Fact]
    public async Task Clear_AfterPush_VariableGoneAndEnginesStillWork()
    {
        var all = Rc[..];
        await all.PushAsync(new { pp_clear = 1 });
        await all.ClearAsync();

        var error = await Assert.ThrowsAsync<CompositeException>(async () => await all.PullAsync<int>("pp_clear"));
        Assert.Equal([0, 1, 2, 3], error.Errors.Cast<RemoteException>().Select(e => e.EngineId));
        Assert.All(error.Errors.Cast<RemoteException>(), e => Assert.Contains("'pp_clear'", e.RemoteMessage));

        await all.ExecuteAsync("var pp_after_clear = 2;");
        Assert.Equal([2, 2, 2, 2], await all.PullAsync<int>("pp_after_clear"));
    }

    [Fact]
    public async Task Clear_OneEngine_OthersKeepTheirVariables()
    {
        await Rc[..].PushAsync(new { pp_clear_one = 4 });
        Rc[2].ClearSync();

        var error = await Assert.ThrowsAsync<RemoteException>(async () => await Rc[2].PullAsync<int>("pp_clear_one"));
        Assert.Equal(2, error.EngineId);
        Assert.Equal([4, 4, 4], await Rc[new[] { 0, 1, 3 }].PullAsync<int>("pp_clear_one"));
    }
}
