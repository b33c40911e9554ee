using System.Diagnostics;

namespace Orleans.Parallel.Benchmarks;

internal static class Clock
{
    /// <summary>Wall-clock milliseconds that <paramref name="action"/> takes.</summary>
    public static double Ms(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed.TotalMilliseconds;
    }
}
