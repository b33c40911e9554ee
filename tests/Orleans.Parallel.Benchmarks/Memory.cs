using System.Diagnostics;

namespace Orleans.Parallel.Benchmarks;

/// <summary>What the run cost in memory, on the client and on the silo.</summary>
internal static class Memory
{
    private const double MB = 1e6;

    public static void Measure(int siloProcessId, Figures figures)
    {
        using var client = Process.GetCurrentProcess();
        figures.Add("client_working_set_MB", client.WorkingSet64 / MB);
        figures.Add("client_peak_working_set_MB", client.PeakWorkingSet64 / MB);
        figures.Add("client_gc_heap_MB", GC.GetGCMemoryInfo().HeapSizeBytes / MB);
        figures.Add("client_allocated_MB", GC.GetTotalAllocatedBytes() / MB);
        // What stays reachable once the work is done; the large and pinned object heaps are where
        // retained message buffers would show (the workload's own arrays are garbage by now).
        figures.Add("client_gc_live_MB", GC.GetTotalMemory(forceFullCollection: true) / MB);
        var generations = GC.GetGCMemoryInfo(GCKind.FullBlocking).GenerationInfo;
        figures.Add("client_gc_loh_MB", generations[3].SizeAfterBytes / MB);
        figures.Add("client_gc_poh_MB", generations[4].SizeAfterBytes / MB);
        using var silo = Process.GetProcessById(siloProcessId);
        figures.Add("silo_working_set_MB", silo.WorkingSet64 / MB);
        figures.Add("silo_peak_working_set_MB", silo.PeakWorkingSet64 / MB);
    }
}
