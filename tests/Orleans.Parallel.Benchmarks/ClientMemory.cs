using System.Diagnostics;

namespace Orleans.Parallel.Benchmarks;

/// <summary>
/// ipyparallel's most reported problem, measured: a client runs many load-balanced tasks (1M) and
/// drops every AsyncResult. Its live heap afterwards must be what it was before (it keeps nothing per
/// task once a task ended); the silo's memory is shown beside it, with the records its store kept.
/// </summary>
internal static class ClientMemory
{
    private const double MB = 1e6;

    /// <summary>Tasks in flight at once: the client submits a window, waits for it, submits the next.</summary>
    private const int Window = 20_000;

    private static int Echo(int x) => x;

    public static void Measure(ParallelClient rc, int siloProcessId, int tasks, Figures figures)
    {
        var lb = rc.LoadBalancedView();
        for (var i = 0; i < 1000; i++) lb.ApplyAsync<int, int>(Echo, i); // warm: tables and pools at their working size
        if (!rc.WaitAsync(TimeSpan.FromMinutes(1)).GetAwaiter().GetResult()) throw new TimeoutException("The warm-up tasks did not end.");
        var clientBefore = GC.GetTotalMemory(forceFullCollection: true);
        var siloBefore = SiloRss(siloProcessId);
        var watch = Stopwatch.StartNew();
        var midway = 0L;
        for (var sent = 0; sent < tasks; sent += Window)
        {
            // Halfway, and at the end: equal heaps say nothing grows with the number of tasks run
            // (the bounded tables, such as recent outcomes for dependencies, are full by then).
            if (sent == tasks / 2 / Window * Window) midway = GC.GetTotalMemory(forceFullCollection: true);
            for (var i = 0; i < Math.Min(Window, tasks - sent); i++) lb.ApplyAsync<int, int>(Echo, i); // dropped at once
            if (!rc.WaitAsync(TimeSpan.FromMinutes(5)).GetAwaiter().GetResult()) throw new TimeoutException("A window of dropped tasks did not end.");
        }
        var seconds = watch.Elapsed.TotalSeconds;
        var clientAfter = GC.GetTotalMemory(forceFullCollection: true);
        var siloAfter = SiloRss(siloProcessId);
        var records = rc.HubHistoryAsync().GetAwaiter().GetResult().Count;
        figures.Add("dropped_tasks", tasks);
        figures.Add("dropped_tasks_per_s", tasks / seconds);
        figures.Add("dropped_client_live_before_MB", clientBefore / MB);
        figures.Add("dropped_client_live_midway_MB", midway / MB);
        figures.Add("dropped_client_live_after_MB", clientAfter / MB);
        figures.Add("dropped_silo_rss_before_MB", siloBefore / MB);
        figures.Add("dropped_silo_rss_after_MB", siloAfter / MB);
        figures.Add("dropped_hub_records_kept", records);
    }

    private static long SiloRss(int processId)
    {
        using var silo = Process.GetProcessById(processId);
        return silo.WorkingSet64;
    }
}
