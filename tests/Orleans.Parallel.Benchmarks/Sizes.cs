namespace Orleans.Parallel.Benchmarks;

/// <summary>How much work each figure does: ipp_bench.py's sizes, or smaller ones for a smoke run.</summary>
internal sealed record Sizes(int Warmup, int ApplyCalls, int PushDoubles, int ScatterInts, int ExecuteWarmup, int ExecuteCalls, double BusySeconds, int DistinctScripts,
    int LbTasks, int LbMapItems, int LbMapChunk, int LazyMapTasks, int DroppedTasks)
{
    public static Sizes Full { get; } = new(20, 500, 10_000_000, 1_000_000, 5, 200, 1.0, 2000, 5000, 1_000_000, 10_000, 1_000_000, 1_000_000);

    public static Sizes Quick { get; } = new(5, 50, 1_000_000, 100_000, 2, 20, 0.2, 200, 500, 100_000, 10_000, 20_000, 20_000);
}
