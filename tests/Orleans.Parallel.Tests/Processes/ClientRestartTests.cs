using System.Diagnostics;
using Orleans.Parallel.Security;
using Orleans.Parallel.Testing;
using Xunit.Abstractions;

namespace Orleans.Parallel.Tests.Processes;

/// <summary>
/// A client that restarts again and again against a secure silo, as a notebook kernel or a script run
/// in a loop does: each one reads the connection file, passes mutual TLS on the gateway and on the bulk
/// port, works, and leaves. The silo keeps serving, and its threads and memory stay where they were once
/// the first few clients have come and gone: nothing a client opened (TLS connections, bulk connections,
/// its session, its observer) outlives it on the silo.
/// </summary>
public sealed class ClientRestartTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task SecureClient_RestartingManyTimes_LeavesNothingBehindOnTheSilo()
    {
        var cluster = $"restart-{Guid.NewGuid():N}"[..24];
        // No task records: the hub keeps every task's request and result by design (up to its size
        // limit, 1 GiB by default), and each client here moves arrays of megabytes; what is measured is
        // what a client leaves behind besides them.
        await using var silo = await SiloProcess.StartAsync(2, Patience, "--cluster-id", cluster, "--task-store", "none");
        var file = ConnectionFile.DefaultPath(cluster);
        var array = new double[256 * 1024]; // 2 MB: each client opens bulk connections too
        for (var i = 0; i < array.Length; i++) array[i] = i;

        async Task<TimeSpan> OneClientAsync(int run)
        {
            var clock = Stopwatch.StartNew();
            await using var rc = await ParallelClient.ConnectAsync(ParallelClientOptions.FromConnectionFile(file));
            await rc.WaitForEnginesAsync(2, Patience);
            var connected = clock.Elapsed;
            Assert.Equal([run, run], await rc[..].ApplyAsync((int r) => r, run).AsTask().WaitAsync(Patience));
            await rc[..].PushAsync(new { restart_array = array }).AsTask().WaitAsync(Patience);
            var back = await rc[1].PullAsync<double[]>("restart_array").AsTask().WaitAsync(Patience);
            Assert.True(back.AsSpan().SequenceEqual(array));
            Assert.Equal(run * 2, await rc.LoadBalancedView().ApplyAsync((int r) => r * 2, run).AsTask().WaitAsync(Patience));
            return connected;
        }

        for (var run = 0; run < 10; run++) await OneClientAsync(run); // the silo's pools, caches and JIT settle
        var (threads, heap, _, rss) = await SiloAfterCollectingAsync(silo, file);

        var connects = new List<TimeSpan>();
        const int Restarts = 30;
        for (var run = 10; run < 10 + Restarts; run++) connects.Add(await OneClientAsync(run));
        var (threadsMid, heapMid, _, rssMid) = await SiloAfterCollectingAsync(silo, file);
        for (var run = 10 + Restarts; run < 10 + 2 * Restarts; run++) connects.Add(await OneClientAsync(run));
        var (threadsAfter, heapAfter, sessionAssemblies, rssAfter) = await SiloAfterCollectingAsync(silo, file);

        output.WriteLine($"{2 * Restarts} secure clients: connect median {connects.Order().ElementAt(Restarts).TotalMilliseconds:F0} ms, " +
                         $"max {connects.Max().TotalMilliseconds:F0} ms; silo threads {threads} -> {threadsMid} -> {threadsAfter}, " +
                         $"live heap {heap / 1e6:F1} -> {heapMid / 1e6:F1} -> {heapAfter / 1e6:F1} MB, RSS {rss / 1024} -> {rssMid / 1024} -> {rssAfter / 1024} MB");
        Assert.False(silo.HasExited, silo.Output);
        // A leak of one thread per client would show as 30 threads.
        Assert.True(threadsAfter <= threads + 8, $"Silo threads grew from {threads} to {threadsAfter} over {2 * Restarts} clients.");
        // Each client's code unloads with its session: one copy is loaded, the measuring client's.
        Assert.Equal(1, sessionAssemblies);
        // What one client leaves behind grows with the clients; what the silo settles into does not. Each
        // client here moves 6 MB of arrays and loads a 1.8 MB assembly (its session context, 5 MB on the heap):
        // keeping either per client would grow the second batch by 150 MB or more. The bound leaves room for
        // what Orleans keeps of clients that left within the last minute (its gateway's ClientDropTimeout)
        // and for when collections come on a loaded machine: measured +11 to +36 MB for the second batch.
        Assert.True(heapAfter <= Math.Max(heap, heapMid) + 64_000_000, $"The silo's live heap went {heap / 1e6:F1} -> {heapMid / 1e6:F1} -> {heapAfter / 1e6:F1} MB over two batches of {Restarts} clients.");
        Assert.True(rssAfter <= Math.Max(rss, rssMid) + 128 * 1024, $"Silo RSS went {rss / 1024} -> {rssMid / 1024} -> {rssAfter / 1024} MB over two batches of {Restarts} clients.");
    }

    /// <summary>
    /// The silo's threads, live managed heap, copies of this test assembly loaded and resident memory once the clients so far have gone and
    /// a full collection has run in it (asked of an engine, which runs in the silo's process, by one more
    /// client, which leaves before the figures are read).
    /// </summary>
    private static async Task<(long Threads, long Heap, int SessionAssemblies, long RssKb)> SiloAfterCollectingAsync(SiloProcess silo, string file)
    {
        await Task.Delay(TimeSpan.FromSeconds(2)); // the last client's connections close on the silo
        (long Bytes, int Copies) heap;
        await using (var rc = await ParallelClient.ConnectAsync(ParallelClientOptions.FromConnectionFile(file)))
        {
            await rc.WaitForEnginesAsync(2, Patience);
            heap = await rc[0].ApplyAsync(() =>
            {
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
                GC.WaitForPendingFinalizers();
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
                // This test assembly travels to the silo with each client's functions, into that client's session context.
                return (GC.GetTotalMemory(forceFullCollection: false), AppDomain.CurrentDomain.GetAssemblies().Count(a => a.GetName().Name == "Orleans.Parallel.Tests"));
            }).AsTask().WaitAsync(Patience);
        }
        await Task.Delay(TimeSpan.FromSeconds(2));
        return (silo.StatusValue("Threads"), heap.Bytes, heap.Copies, silo.StatusKilobytes("VmRSS"));
    }
}
