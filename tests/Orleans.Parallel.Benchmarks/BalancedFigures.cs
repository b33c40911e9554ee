using System.Diagnostics;

namespace Orleans.Parallel.Benchmarks;

/// <summary>
/// ipp_bench.py's load-balanced figures (apply round trip, 5,000 tiny tasks, a chunked map of 1M
/// items) and, beyond it, the client's memory over a lazy IMap of 1M tasks.
/// </summary>
internal sealed class BalancedFigures(ParallelClient rc, Sizes sizes, Figures figures)
{
    private static int Echo(int x) => x;

    public void Run()
    {
        var lb = rc.LoadBalancedView();
        // The silo compiles a first script in the background as it starts (Roslyn, seconds of CPU on
        // both cores); a script of our own waits for that, so it does not run beside the figures.
        rc[..].ExecuteSync("var balanced_figures_warm = 1;");
        // Warm-up, as ipp_bench warms its apply: the benchmark runs with tiered compilation off, so the
        // first call of each path pays for compiling it fully; these calls take that out of the figures.
        for (var i = 0; i < sizes.Warmup; i++) Check(lb.ApplySync<int, int>(Echo, i), i);
        var warm = Enumerable.Range(0, 200).Select(i => lb.ApplyAsync<int, int>(Echo, i)).ToArray();
        foreach (var ar in warm) ar.Get();
        lb.MapSync<int, int>(Echo, Enumerable.Range(0, 2 * sizes.LbMapChunk), chunkSize: sizes.LbMapChunk);
        RoundTrip(lb);
        Tasks(lb);
        DirectTasks();
        Map(lb);
        if (sizes.LazyMapTasks > 0) LazyMap(lb);
    }

    private void RoundTrip(Views.LoadBalancedView lb)
    {
        var ms = Clock.Ms(() =>
        {
            for (var i = 0; i < sizes.ApplyCalls; i++) Check(lb.ApplySync<int, int>(Echo, i), i);
        });
        figures.Add("lb_apply_roundtrip_ms", ms / sizes.ApplyCalls);
    }

    /// <summary>
    /// ipp_bench's <c>[lb.apply_async(echo, i) for i in range(n)]</c>, then every result in order:
    /// once as ipp_bench does (the figure compared), then <see cref="Repeats"/> more times for the
    /// median and spread, since one pass of a few hundred milliseconds on a 2-core machine varies a lot.
    /// </summary>
    private void Tasks(Views.LoadBalancedView lb)
    {
        double PerSecond() => sizes.LbTasks / (Clock.Ms(() =>
        {
            var results = new Results.AsyncResult<int>[sizes.LbTasks];
            for (var i = 0; i < results.Length; i++) results[i] = lb.ApplyAsync<int, int>(Echo, i);
            for (var i = 0; i < results.Length; i++) Check(results[i].Get(), i);
        }) / 1e3);
        figures.Add("lb_tasks_per_s", PerSecond());
        var again = Enumerable.Range(0, Repeats).Select(_ => PerSecond()).Order().ToArray();
        figures.Add("lb_tasks_per_s_median", again[again.Length / 2]);
        figures.Add("lb_tasks_per_s_min", again[0]);
        figures.Add("lb_tasks_per_s_max", again[^1]);
    }

    private const int Repeats = 5;

    /// <summary>Not in ipp_bench: the same tiny tasks sent round-robin to engine views, without the scheduler.</summary>
    private void DirectTasks()
    {
        var views = rc.Ids.Select(id => rc[id]).ToArray();
        var ms = Clock.Ms(() =>
        {
            var results = new Results.AsyncResult<int>[sizes.LbTasks];
            for (var i = 0; i < results.Length; i++) results[i] = views[i % views.Length].ApplyAsync<int, int>(Echo, i);
            for (var i = 0; i < results.Length; i++) Check(results[i].Get(), i);
        });
        figures.Add("direct_tasks_per_s", sizes.LbTasks / (ms / 1e3));
    }

    private void Map(Views.LoadBalancedView lb)
    {
        IReadOnlyList<int> back = [];
        var ms = Clock.Ms(() => back = lb.MapSync<int, int>(Echo, Enumerable.Range(0, sizes.LbMapItems), chunkSize: sizes.LbMapChunk));
        if (!back.SequenceEqual(Enumerable.Range(0, sizes.LbMapItems))) throw new InvalidOperationException("Map results differ from the input.");
        figures.Add("lb_map_items_per_s", sizes.LbMapItems / (ms / 1e3));
    }

    /// <summary>
    /// One task per item through IMap, never more than its window in flight: the client's managed
    /// heap is sampled as the results stream past, and must not grow with the number of tasks.
    /// </summary>
    private void LazyMap(Views.LoadBalancedView lb)
    {
        GC.Collect();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var peakHeap = before;
        long expected = 0;
        var midway = 0L;
        var watch = Stopwatch.StartNew();
        var run = Task.Run(async () =>
        {
            await foreach (var value in lb.IMap<int, int>(Echo, Enumerable.Range(0, sizes.LazyMapTasks)))
            {
                if (value != expected) throw new InvalidOperationException($"IMap gave {value} where {expected} was due.");
                expected++;
                if (expected % 50_000 == 0)
                {
                    var heap = GC.GetTotalMemory(forceFullCollection: false);
                    peakHeap = Math.Max(peakHeap, heap);
                    if (expected == sizes.LazyMapTasks / 2) midway = GC.GetTotalMemory(forceFullCollection: true);
                }
            }
        });
        run.GetAwaiter().GetResult();
        var seconds = watch.Elapsed.TotalSeconds;
        var after = GC.GetTotalMemory(forceFullCollection: true);
        figures.Add("lb_imap_tasks_per_s", sizes.LazyMapTasks / seconds);
        figures.Add("lb_imap_client_live_before_MB", before / 1e6);
        figures.Add("lb_imap_client_live_midway_MB", midway / 1e6);
        figures.Add("lb_imap_client_live_after_MB", after / 1e6);
        figures.Add("lb_imap_client_heap_peak_MB", peakHeap / 1e6);
    }

    private static void Check(int actual, int expected)
    {
        if (actual != expected) throw new InvalidOperationException($"Expected {expected}, got {actual}.");
    }
}
