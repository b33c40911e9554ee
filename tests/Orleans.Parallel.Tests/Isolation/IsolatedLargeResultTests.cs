namespace Orleans.Parallel.Tests.Isolation;

/// <summary>
/// Results larger than the task records keep (<see cref="IsolatedClusterFixture.KeptResultBytes"/>)
/// leave the silo while they still arrive from the engine's process: through a pull of one name and
/// of several, and load-balanced tasks that chain on, each arrives whole and in order.
/// </summary>
[Collection(IsolatedCollection.Name)]
public sealed class IsolatedLargeResultTests(IsolatedClusterFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private ParallelClient Rc => fixture.Client;

    private static double[] Doubles(long bytes, int seed)
    {
        var random = new Random(seed);
        var data = new double[bytes / sizeof(double)];
        for (var i = 0; i < data.Length; i++) data[i] = random.NextDouble();
        return data;
    }

    [Fact]
    public async Task Pull_OverWhatRecordsKeep_ArrivesWhole_AndAnotherClientIsToldItWasNotKept()
    {
        var data = Doubles(3 * IsolatedClusterFixture.KeptResultBytes, 1);
        await Rc[0].PushAsync("lr_one", data).AsTask().WaitAsync(Patience);

        var ar = Rc[0].PullAsync<double[]>("lr_one");

        Assert.Equal(data, await ar.AsTask().WaitAsync(Patience));
        Assert.Equal(data, await Rc[0].PullAsync<double[]>("lr_one").AsTask().WaitAsync(Patience)); // the namespace still holds it
        await using var other = await ParallelClient.FromClusterClientAsync(fixture.Cluster.Client);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await (await other.GetResultAsync(ar.MsgIds[0])).AsTask());
        Assert.Contains("was not kept", error.Message);
        await Rc[0].ClearAsync();
    }

    [Fact]
    public async Task Pull_SeveralLargeNames_AndSmallOnes_EachArrivesWhole()
    {
        var (first, second) = (Doubles(IsolatedClusterFixture.KeptResultBytes + 8, 2), Doubles(2 * IsolatedClusterFixture.KeptResultBytes, 3));
        var small = Doubles(64 * 1024, 4);
        await Rc[1].PushAsync(new { lr_small = small, lr_first = first, lr_n = 5, lr_second = second }).AsTask().WaitAsync(Patience);

        var back = await Rc[1].PullAsync(["lr_small", "lr_first", "lr_n", "lr_second"]).AsTask().WaitAsync(Patience);

        Assert.Equal(small, (double[])back["lr_small"]!);
        Assert.Equal(first, (double[])back["lr_first"]!);
        Assert.Equal(5, back["lr_n"]);
        Assert.Equal(second, (double[])back["lr_second"]!);
        await Rc[1].ClearAsync();
    }

    [Fact]
    public async Task LoadBalancedTasks_WithLargeResults_ChainOnAndEachArrivesWhole()
    {
        var lb = Rc.LoadBalancedView();
        var count = (int)(IsolatedClusterFixture.KeptResultBytes / sizeof(double)) + 1024;

        // Each task's result is still arriving while its engine runs the next one.
        var results = Enumerable.Range(0, 6).Select(seed => lb.ApplyAsync((int n, int s) =>
        {
            var random = new Random(s);
            var values = new double[n];
            for (var i = 0; i < values.Length; i++) values[i] = random.NextDouble();
            return values;
        }, count, seed)).ToList();
        var small = lb.ApplyAsync(() => 42);

        for (var seed = 0; seed < results.Count; seed++)
        {
            var expected = new double[count];
            var random = new Random(seed);
            for (var i = 0; i < expected.Length; i++) expected[i] = random.NextDouble();
            Assert.Equal(expected, await results[seed].AsTask().WaitAsync(Patience));
        }
        Assert.Equal(42, await small.AsTask().WaitAsync(Patience));
    }

    [Fact]
    public async Task ResultOverTheMessageLimit_IsRefusedInTheProcess_BeforeItCrossesToTheSilo()
    {
        // Alone in this collection, the test process is the silo: what crosses from the engine's process is allocated here.
        var before = GC.GetTotalAllocatedBytes();

        var error = await Assert.ThrowsAsync<Orleans.Parallel.Errors.RemoteException>(
            () => Rc[0].ApplyAsync(() => new string('r', 110_000_000)).AsTask().WaitAsync(Patience)); // 110 MB and more, over Orleans' 100 MiB

        var allocated = GC.GetTotalAllocatedBytes() - before;
        Assert.Equal(typeof(Orleans.Parallel.Wire.ResultTooLargeException).FullName, error.RemoteType);
        Assert.Contains("MaxMessageBodySize", error.RemoteMessage);
        Assert.True(allocated < 50_000_000, $"the silo allocated {allocated:N0} bytes: the result crossed to it");
        Assert.Equal(1, await Rc[0].ApplyAsync(() => 1).AsTask().WaitAsync(Patience));
    }
}
