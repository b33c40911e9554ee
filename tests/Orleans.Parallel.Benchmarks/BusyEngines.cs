using System.Diagnostics;
using Orleans.Parallel.Results;

namespace Orleans.Parallel.Benchmarks;

/// <summary>
/// Issue 2 asks that busy engines run on their own cores: the same CPU-bound function on one engine,
/// then on every engine at once. speedup = engines × t(one) / t(all): the cores the engines got.
/// </summary>
internal static class BusyEngines
{
    /// <summary>Deterministic integer work (xorshift) the JIT cannot fold away; the result proves it ran.</summary>
    private static ulong Spin(long steps)
    {
        var x = 88172645463325292UL;
        for (var i = 0L; i < steps; i++)
        {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
        }
        return x;
    }

    public static void Measure(ParallelClient rc, int siloProcessId, double seconds, Figures figures)
    {
        var all = rc[..];
        var engines = rc.Ids.Count;
        all.ApplySync<long, ulong>(Spin, 1_000_000); // loads the code and JITs the loop on every engine

        // Calibrated on engine 0 itself, so the work lasts about `seconds` wherever the engines run.
        const long probe = 50_000_000;
        var probeMs = Clock.Ms(() => rc[0].ApplySync<long, ulong>(Spin, probe));
        var steps = (long)(probe * seconds * 1e3 / probeMs);

        var expected = 0UL;
        var oneMs = Clock.Ms(() => expected = rc[0].ApplySync<long, ulong>(Spin, steps));
        using var silo = Process.GetProcessById(siloProcessId);
        var cpuBefore = silo.TotalProcessorTime;
        AsyncMapResult<ulong>? both = null;
        var allMs = Clock.Ms(() => (both = all.ApplyAsync<long, ulong>(Spin, steps)).Get());
        silo.Refresh();
        var cpuMs = (silo.TotalProcessorTime - cpuBefore).TotalMilliseconds;
        if (both!.Get().Any(r => r != expected)) throw new InvalidOperationException("Engines computed different results for the same work.");

        figures.Add("busy_one_engine_ms", oneMs);
        figures.Add("busy_all_engines_ms", allMs);
        figures.Add("busy_engines_speedup", engines * oneMs / allMs);
        // Two views that other load on the machine cannot fake: the cores the silo burned (CPU time over
        // wall time), and how much of their run the engines spent running at the same time (1 = all of it).
        figures.Add("busy_silo_cores", cpuMs / allMs);
        figures.Add("busy_overlap", Overlap(both.Metadata));
    }

    private static double Overlap(IReadOnlyList<TaskMetadata> tasks)
    {
        var together = tasks.Min(t => t.Completed!.Value) - tasks.Max(t => t.Started!.Value);
        var mean = tasks.Average(t => (t.Completed!.Value - t.Started!.Value).TotalMilliseconds);
        return Math.Max(0, together.TotalMilliseconds) / mean;
    }
}
