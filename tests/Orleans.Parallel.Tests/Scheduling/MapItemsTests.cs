using Orleans.Parallel.Errors;
using Orleans.Parallel.Results;
using Orleans.Parallel.Tests.Cluster;

namespace Orleans.Parallel.Tests.Scheduling;

/// <summary>
/// What a map tells about its items, on both views: its size and progress in items (ipyparallel's
/// <c>len(amr)</c>), errors kept in place (<c>return_exceptions=True</c>), and errors naming their item.
/// </summary>
[Collection(ClusterCollection.Name)]
public class MapItemsTests(ClusterFixture fixture)
{
    private ParallelClient Rc => fixture.Client;

    /// <summary>Fails on item 2 (and 7): the one the tests look for.</summary>
    private static int FailOnTwoAndSeven(int x) => x is 2 or 7 ? throw new InvalidOperationException($"no {x}") : x * 10;

    [Fact]
    public async Task ChunkedMap_CountsItemsNotChunks_InCountAndProgress()
    {
        var ar = Rc.LoadBalancedView().MapAsync((int x) => x + 1, Enumerable.Range(0, 10), chunkSize: 3);

        Assert.Equal(4, ar.MsgIds.Count);
        Assert.Equal(10, ar.Count);
        await ar;
        Assert.Equal(10, ar.Progress);

        var direct = Rc[..].MapAsync((int x) => x + 1, Enumerable.Range(0, 10));
        Assert.Equal(10, direct.Count);
        await direct;
        Assert.Equal(10, direct.Progress);
    }

    [Fact]
    public async Task ChunkedMap_ProgressGrowsByTheItemsOfEachEndedChunk()
    {
        var release = Path.Combine(Path.GetTempPath(), $"release_{Guid.NewGuid():N}");
        try
        {
            // Item 0's chunk (items 0..4) waits for the file; the other chunk (5..8) ends at once.
            var ar = Rc.LoadBalancedView().MapAsync((string path) =>
            {
                while (path.Length > 0 && !File.Exists(path)) Thread.Sleep(10);
                return 1;
            }, new[] { release, "", "", "", "", "", "", "", "" }, chunkSize: 5);
            Assert.Equal(9, ar.Count);
            await ClusterAssert.EventuallyAsync(() => ar.Progress == 4, "the short chunk's 4 items are done");
            var early = Assert.Throws<TimeoutException>(() => ar.Get(TimeSpan.FromMilliseconds(10)));
            Assert.Contains("4 of 9 item(s) done", early.Message);
            File.WriteAllText(release, "");
            await ar;
            Assert.Equal(9, ar.Progress);
        }
        finally
        {
            File.WriteAllText(release, "");
        }
    }

    [Fact]
    public async Task Gather_CountIsKnownOnceItsBlocksArrive()
    {
        await Rc[..].ScatterAsync("gathered", Enumerable.Range(0, 11).ToArray());
        var ar = Rc[..].GatherAsync<int>("gathered");
        await ar;
        Assert.Equal(11, ar.Count);
        Assert.Equal(ClusterFixture.EngineCount, ar.Progress);
    }

    [Fact]
    public async Task LoadBalancedMapItems_AFailedItemYieldsItsErrorInPlace_TheOthersTheirValues()
    {
        var items = await Rc.LoadBalancedView().MapItemsAsync(FailOnTwoAndSeven, Enumerable.Range(0, 9), chunkSize: 2);

        Assert.Equal(Enumerable.Range(0, 9), items.Select(i => i.Index));
        Assert.Equal([0, 10, 30, 40, 50, 60, 80], items.Where(i => i.Succeeded).Select(i => i.Value));
        var two = Assert.IsType<RemoteException>(items[2].Error);
        Assert.Equal(2, two.ItemIndex);
        Assert.Equal("System.InvalidOperationException", two.RemoteType);
        Assert.Contains("map item 2", two.Message);
        Assert.Contains("no 2", two.Message);
        Assert.Equal(7, Assert.IsType<RemoteException>(items[7].Error).ItemIndex);
        Assert.Same(two, Assert.Throws<InvalidOperationException>(() => items[2].Value).InnerException);
        Assert.False(items[2].TryGetValue(out _));
    }

    [Fact]
    public async Task DirectMapItems_AndIMapItems_KeepErrorsInPlaceToo()
    {
        var direct = Rc[..].MapItemsAsync(FailOnTwoAndSeven, Enumerable.Range(0, 9));
        var values = await direct;
        Assert.Equal(9, direct.Count);
        Assert.False(direct.Successful);
        Assert.Equal([0, 10, 30, 40, 50, 60, 80], values.Where(i => i.Succeeded).Select(i => i.Value));
        Assert.Equal([2, 7], values.Where(i => !i.Succeeded).Select(i => ((RemoteException)i.Error!).ItemIndex!.Value));

        var streamed = new List<MapItem<int>>();
        await foreach (var item in Rc.LoadBalancedView().IMapItems(FailOnTwoAndSeven, Enumerable.Range(0, 9), chunkSize: 4)) streamed.Add(item);
        Assert.Equal(Enumerable.Range(0, 9), streamed.Select(i => i.Index));
        Assert.Equal([2, 7], streamed.Where(i => !i.Succeeded).Select(i => ((RemoteException)i.Error!).ItemIndex!.Value));
        Assert.Equal(80, streamed[8].Value);
    }

    [Fact]
    public async Task PlainMap_TheErrorNamesTheFailedItemsInputIndex()
    {
        var lb = await Assert.ThrowsAsync<CompositeException>(() => Rc.LoadBalancedView().MapAsync(FailOnTwoAndSeven, Enumerable.Range(0, 6), chunkSize: 3).AsTask());
        var error = Assert.IsType<RemoteException>(Assert.Single(lb.InnerExceptions));
        Assert.Equal(2, error.ItemIndex);
        Assert.Contains("map item 2", error.Message);

        var direct = await Assert.ThrowsAsync<CompositeException>(() => Rc[..].MapAsync(FailOnTwoAndSeven, Enumerable.Range(5, 4)).AsTask());
        var seven = Assert.IsType<RemoteException>(Assert.Single(direct.InnerExceptions));
        Assert.Equal(2, seven.ItemIndex); // the input's third item, whose value is 7
        Assert.Equal("no 7", seven.RemoteMessage);

        // The typed fast path (a plain function over an array of its parameter type) names the item too.
        var imap = Rc.LoadBalancedView().IMap(FailOnTwoAndSeven, Enumerable.Range(0, 9), chunkSize: 5);
        var streamed = await Assert.ThrowsAsync<RemoteException>(async () => { await foreach (var _ in imap) { } });
        Assert.Equal(2, streamed.ItemIndex);
    }

    [Fact]
    public async Task Maps_OverUpToFourSequences_WithSyncAndAsyncFunctions_OnBothViews()
    {
        var lb = Rc.LoadBalancedView();
        int[] a = [1, 2, 3, 4], b = [10, 20, 30, 40];
        string[] c = ["x", "y", "z", "w"];
        double[] d = [0.5, 1.5, 2.5]; // the shortest: every map is cut to 3 items

        Assert.Equal([11, 22, 33, 44], lb.MapSync((int x, int y) => x + y, a, b));
        Assert.Equal(["11x", "22y", "33z", "44w"], lb.MapSync((int x, int y, string s) => $"{x + y}{s}", a, b, c, chunkSize: 2));
        Assert.Equal(["11x0.5", "22y1.5", "33z2.5"], await lb.MapAsync((int x, int y, string s, double e) => $"{x + y}{s}{e}", a, b, c, d));
        Assert.Equal([11, 22, 33, 44], lb.MapSync(async (int x, int y) => { await Task.Yield(); return x + y; }, a, b));
        Assert.Equal(3, lb.MapAsync((int x, int y, string s, double e) => x, a, b, c, d).Count);

        var dv = Rc[..];
        Assert.Equal([11, 22, 33, 44], dv.MapSync((int x, int y) => x + y, a, b));
        Assert.Equal(["1x0.5", "2y1.5", "3z2.5"], await dv.MapAsync(async (int x, string s, double e) => { await Task.Yield(); return $"{x}{s}{e}"; }, a, c, d));
        Assert.Equal([2, 4, 6, 8], dv.With(block: true).Map(async (int x) => { await Task.Yield(); return 2 * x; }, a).Get(TimeSpan.Zero));
        var items = await dv.MapItemsAsync((int x, int y) => x == 2 ? throw new ArgumentException("two") : x + y, a, b);
        Assert.Equal([11, 33, 44], items.Where(i => i.Succeeded).Select(i => i.Value));
        Assert.Equal(1, ((RemoteException)items[1].Error!).ItemIndex);
    }

    [Fact]
    public void MethodGroups_InferTheirTypes_ForEveryCommonCall()
    {
        // These calls compile without type arguments: a method group's types come from the items and its return type.
        var lb = Rc.LoadBalancedView();
        var ints = new[] { 1, 2, 3 };
        Assert.Equal([1, 2, 3], lb.MapSync(Work.Same, ints));
        Assert.Equal([1, 2, 3], lb.MapSync(Work.SameAsync, ints));
        Assert.Equal([1, 2, 3], lb.MapAsync(Work.Same, ints).Get());
        Assert.Equal([1, 2, 3], Rc[..].MapSync(Work.SameAsync, ints));
        Assert.Equal([11, 22, 33], lb.MapSync(Work.Add, ints, new[] { 10, 20, 30 }));
        Assert.Equal(3, lb.ApplySync(Work.Same, 3));
        Assert.Equal(3, lb.ApplySync(Work.SameAsync, 3));
        Assert.Equal(3, Rc[0].ApplySync(Work.Same, 3));
        Assert.Equal(3, lb.MapItemsSync(Work.Same, ints).Count);
    }

    private static class Work
    {
        public static int Same(int x) => x;

        public static async Task<int> SameAsync(int x)
        {
            await Task.Yield();
            return x;
        }

        public static int Add(int x, int y) => x + y;
    }
}
