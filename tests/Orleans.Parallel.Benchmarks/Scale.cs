using System.Diagnostics;
using System.Globalization;
using Orleans.Parallel.Testing;

namespace Orleans.Parallel.Benchmarks;

/// <summary>
/// Issue 16's many-engine figures: one silo process of 1,000 engines (and, with <c>--only scale</c>,
/// one of 10,000, and the same 1,000 engines over three silo processes), a client broadcasting to
/// all of them. Each broadcast figure is the median of several.
/// </summary>
internal static class Scale
{
    private const int Repeats = 9;

    /// <summary>Extra silo arguments from OP_SILO_ARGS, as the main benchmark takes them.</summary>
    private static string[] ExtraSiloArgs => Environment.GetEnvironmentVariable("OP_SILO_ARGS")?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];

    public static async Task MeasureAsync(bool full, Figures figures, CancellationToken cancellationToken)
    {
        await OneSiloAsync(1000, figures, rssOver100Executes: true, cancellationToken);
        if (!full) return;
        await OneSiloAsync(10_000, figures, rssOver100Executes: false, cancellationToken);
        await ThreeSilosAsync(1000, figures, cancellationToken);
    }

    private static async Task OneSiloAsync(int engines, Figures figures, bool rssOver100Executes, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await using var silo = await SiloProcess.StartAsync(engines, TimeSpan.FromMinutes(5), ExtraSiloArgs);
        var started = clock.Elapsed.TotalSeconds;
        await using var rc = await ParallelClient.ConnectAsync(silo.ClientOptions, cancellationToken);
        await rc.WaitForEnginesAsync(engines, TimeSpan.FromMinutes(2), cancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken); // what the start left to settle
        figures.Add($"engines_{engines}_start_s", started);
        figures.Add($"engines_{engines}_idle_rss_MB", silo.StatusKilobytes("VmRSS") / 1e3);
        figures.Add($"engines_{engines}_idle_threads", silo.StatusValue("Threads"));
        await BroadcastsAsync(rc, engines, "", figures, cancellationToken);
        figures.Add($"engines_{engines}_threads_after_broadcasts", silo.StatusValue("Threads"));
        if (rssOver100Executes)
        {
            // What stays: full compacting collections in the silo before both readings (without them
            // the reading is mostly the server GC's budget of garbage not yet collected; also shown).
            await CollectAsync(rc, cancellationToken);
            var before = silo.StatusKilobytes("VmRSS") / 1e3;
            // Each compiled anew (a number in a compound assignment stays in the code; see CodeFigures).
            for (var i = 0; i < 100; i++) await rc[..].ExecuteAsync($"var scale_rss_{i} = 1; scale_rss_{i} += {i};").AsTask().WaitAsync(TimeSpan.FromMinutes(2), cancellationToken);
            await rc[..].ClearAsync().AsTask().WaitAsync(TimeSpan.FromMinutes(2), cancellationToken);
            figures.Add($"execute_broadcast_{engines}_100_rss_growth_uncollected_MB", silo.StatusKilobytes("VmRSS") / 1e3 - before);
            await CollectAsync(rc, cancellationToken);
            figures.Add($"execute_broadcast_{engines}_100_rss_growth_MB", silo.StatusKilobytes("VmRSS") / 1e3 - before);
        }
        Console.WriteLine($"silo of {engines} engines: {silo.StatusKilobytes("VmRSS") / 1e3:F0} MB resident, {silo.StatusValue("Threads")} threads at the end");
    }

    private static Task CollectAsync(ParallelClient rc, CancellationToken cancellationToken) => rc[0].ApplyAsync(() =>
    {
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        return 0;
    }).AsTask().WaitAsync(TimeSpan.FromMinutes(2), cancellationToken);

    /// <summary>The same engines spread over three silo processes on localhost clustering.</summary>
    private static async Task ThreeSilosAsync(int engines, Figures figures, CancellationToken cancellationToken)
    {
        var cluster = $"scale{Guid.NewGuid():N}";
        var each = engines / 3;
        await using var primary = await SiloProcess.StartAsync(engines - 2 * each, TimeSpan.FromMinutes(5), ["--cluster-id", cluster]);
        string[] Join() => ["--cluster-id", cluster, "--primary-silo-port", primary.SiloPort.ToString(CultureInfo.InvariantCulture)];
        await using var second = await SiloProcess.StartAsync(each, TimeSpan.FromMinutes(5), Join());
        await using var third = await SiloProcess.StartAsync(each, TimeSpan.FromMinutes(5), Join());
        await using var rc = await ParallelClient.ConnectAsync(new ParallelClientOptions { GatewayPort = primary.GatewayPort, ClusterId = cluster }, cancellationToken);
        await rc.WaitForEnginesAsync(engines, TimeSpan.FromMinutes(2), cancellationToken);
        await BroadcastsAsync(rc, engines, "_3silos", figures, cancellationToken);
    }

    private static async Task BroadcastsAsync(ParallelClient rc, int engines, string suffix, Figures figures, CancellationToken cancellationToken)
    {
        var all = rc[..];
        var patience = TimeSpan.FromMinutes(2);
        for (var i = 0; i < 3; i++) await all.ApplyAsync(() => 1).AsTask().WaitAsync(patience, cancellationToken); // first uses
        figures.Add($"apply_broadcast_{engines}{suffix}_ms", await MedianMsAsync(async _ =>
        {
            var ones = await all.ApplyAsync(() => 1).AsTask().WaitAsync(patience, cancellationToken);
            if (ones.Count != engines || ones.Any(v => v != 1)) throw new InvalidOperationException("A broadcast Apply came back wrong.");
        }));
        await all.ExecuteAsync("var scale_warm = 0;").AsTask().WaitAsync(patience, cancellationToken);
        var tag = Guid.NewGuid().ToString("N")[..8];
        // A new script: compiled once for the silo, then run by every engine.
        figures.Add($"execute_broadcast_{engines}{suffix}_ms", await MedianMsAsync(i =>
            all.ExecuteAsync($"var scale_{tag}_{i} = 1; scale_{tag}_{i} += {i};").AsTask().WaitAsync(patience, cancellationToken)));
        // A line differing from the last only in a literal and a new name: its compiled template is shared.
        figures.Add($"execute_broadcast_template_{engines}{suffix}_ms", await MedianMsAsync(i =>
            all.ExecuteAsync($"var scale_t_{tag}_{i} = {i};").AsTask().WaitAsync(patience, cancellationToken)));
        var payload = new double[1024]; // 8 KB
        figures.Add($"push_broadcast_{engines}{suffix}_ms", await MedianMsAsync(_ =>
            all.PushAsync(new { scale_payload = payload }).AsTask().WaitAsync(patience, cancellationToken)));
        await all.ClearAsync().AsTask().WaitAsync(patience, cancellationToken);
    }

    private static async Task<double> MedianMsAsync(Func<int, Task> broadcast)
    {
        var times = new double[Repeats];
        for (var i = 0; i < Repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            await broadcast(i);
            times[i] = clock.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        return times[Repeats / 2];
    }
}
