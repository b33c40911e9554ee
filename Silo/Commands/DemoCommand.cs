using System.CommandLine;
using System.Diagnostics;
using System.Reflection;
using Orleans.Parallel.Results;
using Orleans.Parallel.Views;

namespace Orleans.Parallel.Commands;

/// <summary>
/// <c>demo</c>: real parallel work on an embedded cluster, each result checked against a local
/// computation: data kept on the engines (scatter, a script, apply, gather), the same CPU-bound job
/// timed on one core and on the cluster (the speedup), and uneven tasks farmed out by the
/// load-balanced view under a live progress bar.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var engines = new Option<int>("--engines", "-n") { Description = "Engines in the local cluster. Default: this machine's cores.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var items = new Option<int>("--items") { Description = "Length of the vector kept on the engines.", DefaultValueFactory = _ => 10_000_000 };
        var samples = new Option<long>("--samples") { Description = "Monte Carlo samples of the timed job (about 7 ns each on one core).", DefaultValueFactory = _ => 600_000_000 };
        var primesBelow = new Option<int>("--primes-below") { Description = "Upper end of the prime count farmed out by the load-balanced view.", DefaultValueFactory = _ => 10_000_000 };
        var command = new Command("demo", "Start a local cluster and run real parallel work on it, with timings, the speedup over one core, and a live progress bar; every result is checked locally.")
        {
            engines, items, samples, primesBelow,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetValue(engines), parse.GetValue(items), parse.GetValue(samples), parse.GetValue(primesBelow), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(int engines, int count, long samples, int primesBelow, CancellationToken cancellationToken)
    {
        if (engines < 1 || count < 1 || samples < 1 || primesBelow < 2)
        {
            Console.Error.WriteLine("--engines, --items and --samples must be at least 1, and --primes-below at least 2.");
            return 2;
        }
        var total = Stopwatch.StartNew();
        var step = Stopwatch.StartNew();
        Console.WriteLine($"Orleans.Parallel demo: {engines} engines on {Environment.ProcessorCount} cores, {BuildKind()} build");
        if (IsDebugBuild())
            Console.WriteLine("  (a Debug build runs unoptimised code, so its timings and speedup mislead: use dotnet run -c Release)");
        await using var cluster = await LocalCluster.StartAsync(engines, cancellationToken);
        var rc = cluster.Client;
        Report("start cluster", step, $"{rc.Ids.Count} engines [{string.Join(", ", rc.Ids)}]");
        var ok = true;

        Console.WriteLine();
        Console.WriteLine("Data kept on the engines (DirectView)");
        ok &= await KeepDataOnEnginesAsync(rc, count, step);

        Console.WriteLine();
        Console.WriteLine($"The same job on one core and on the cluster: Monte Carlo pi, {samples:N0} samples in {rc.Ids.Count} blocks");
        ok &= await TimeMonteCarloAsync(rc, samples, cancellationToken);

        Console.WriteLine();
        Console.WriteLine("Uneven tasks, load-balanced (LoadBalancedView), with live progress");
        ok &= await FarmOutPrimesAsync(rc, primesBelow, cancellationToken);

        Console.WriteLine();
        Console.WriteLine($"{(ok ? "every result matches its local computation" : "SOME RESULTS DO NOT MATCH")}; total {total.Elapsed.TotalSeconds:F1} s");
        return ok ? 0 : 1;
    }

    /// <summary>Scatter a vector, run a script and a function on each engine's block, gather: checked against local answers.</summary>
    private static async Task<bool> KeepDataOnEnginesAsync(ParallelClient rc, int count, Stopwatch step)
    {
        var all = rc[..];
        var data = new double[count];
        for (var i = 0; i < count; i++) data[i] = i;
        step.Restart();
        await all.ScatterAsync("x", data);
        Report("scatter", step, $"{count:N0} doubles in {rc.Ids.Count} blocks");
        await all.ExecuteAsync("var y = x.Select(v => 2 * v + 1).ToArray();");
        Report("execute y = 2x + 1", step, "C# script on every engine (the first compiles with Roslyn)");
        var partial = await all.ApplyAsync((double[] x) => x.Sum(Math.Sqrt), new Reference<double[]>("x"));
        Report("apply sum(sqrt(x))", step, "the function's code is shipped on its first call");
        var y = await all.GatherAsync<double>("y");
        Report("gather y", step, $"{y.Count:N0} values");
        var local = data.Sum(Math.Sqrt);
        var sumOk = Math.Abs(partial.Sum() - local) <= 1e-9 * Math.Abs(local);
        var yOk = y.Count == count && y.Select((v, i) => v == 2.0 * i + 1).All(b => b);
        Console.WriteLine($"  sum(sqrt(i)), i < {count:N0} = {partial.Sum():G12} (local {local:G12}) {(sumOk ? "OK" : "MISMATCH")}; y == 2i + 1 everywhere: {(yOk ? "OK" : "MISMATCH")}");
        return sumOk && yOk;
    }

    /// <summary>Monte Carlo pi: one block of samples per engine, each from its own seed, so the local run counts exactly the same hits.</summary>
    private static async Task<bool> TimeMonteCarloAsync(ParallelClient rc, long samples, CancellationToken cancellationToken)
    {
        var all = rc[..];
        var blocks = rc.Ids.Count;
        var seeds = Enumerable.Range(0, blocks).Select(i => (long)i).ToArray();
        var sizes = seeds.Select(i => samples / blocks + (i < samples % blocks ? 1 : 0)).ToArray();
        // Warm both sides up (the engines load the function's code; both JIT it), so the timings compare the work alone.
        await all.MapAsync((long seed, long n) => CircleHits(seed, n), seeds, seeds.Select(_ => 100_000L));
        CircleHits(0, 100_000);

        var clock = Stopwatch.StartNew();
        var remote = await all.MapAsync((long seed, long n) => CircleHits(seed, n), seeds, sizes);
        var clusterTime = clock.Elapsed;
        cancellationToken.ThrowIfCancellationRequested();
        clock.Restart();
        var local = seeds.Select(seed => CircleHits(seed, sizes[seed])).ToArray();
        var localTime = clock.Elapsed;
        var same = remote.SequenceEqual(local);
        var pi = 4.0 * remote.Sum() / samples;
        Console.WriteLine($"  local (1 core)        {localTime.TotalMilliseconds,9:N0} ms");
        Console.WriteLine($"  cluster ({rc.Ids.Count} engines)   {clusterTime.TotalMilliseconds,9:N0} ms   speedup {localTime / clusterTime:F2}x");
        Console.WriteLine($"  pi ~ {pi:F6}; the cluster's hits equal the local ones, block by block: {(same ? "OK" : "MISMATCH")}");
        return same;
    }

    /// <summary>Prime counts over ranges whose cost grows along the range, farmed out by the scheduler under a progress bar.</summary>
    private static async Task<bool> FarmOutPrimesAsync(ParallelClient rc, int primesBelow, CancellationToken cancellationToken)
    {
        var lb = rc.LoadBalancedView();
        var tasks = Math.Min(400, Math.Max(1, primesBelow / 1_000));
        var bounds = Enumerable.Range(0, tasks + 1).Select(i => (int)((long)primesBelow * i / tasks)).ToArray();
        var (lows, highs) = (bounds[..^1], bounds[1..]);
        var clock = Stopwatch.StartNew();
        var counts = lb.MapAsync((int low, int high) => PrimesBetween(low, high), lows, highs);
        await counts.WatchAsync(cancellationToken: cancellationToken);
        var remote = await counts;
        var clusterTime = clock.Elapsed;
        clock.Restart();
        var local = lows.Zip(highs, PrimesBetween).ToArray();
        var localTime = clock.Elapsed;
        var same = remote.SequenceEqual(local);
        Console.WriteLine($"  {tasks} tasks: cluster {clusterTime.TotalMilliseconds:N0} ms, local {localTime.TotalMilliseconds:N0} ms, speedup {localTime / clusterTime:F2}x");
        Console.WriteLine($"  primes below {primesBelow:N0}: {remote.Sum():N0}; every task's count matches a local count: {(same ? "OK" : "MISMATCH")}");
        return same;
    }

    /// <summary>How many of <paramref name="samples"/> points drawn from <paramref name="seed"/> fall inside the unit circle (xorshift64: the same on every machine).</summary>
    private static long CircleHits(long seed, long samples)
    {
        var s = ((ulong)seed + 1) * 0x9E3779B97F4A7C15UL;
        long hits = 0;
        for (long i = 0; i < samples; i++)
        {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            var x = (s >> 11) * (1.0 / (1UL << 53));
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            var y = (s >> 11) * (1.0 / (1UL << 53));
            if (x * x + y * y <= 1.0) hits++;
        }
        return hits;
    }

    /// <summary>How many primes lie in [<paramref name="low"/>, <paramref name="high"/>) (trial division: dearer as numbers grow).</summary>
    private static int PrimesBetween(int low, int high)
    {
        var count = 0;
        for (var k = Math.Max(2, low); k < high; k++)
        {
            var prime = true;
            for (var d = 2; d * d <= k && prime; d++) prime = k % d != 0;
            if (prime) count++;
        }
        return count;
    }

    private static bool IsDebugBuild() => typeof(DemoCommand).Assembly.GetCustomAttribute<DebuggableAttribute>()?.IsJITOptimizerDisabled == true;

    private static string BuildKind() => IsDebugBuild() ? "Debug" : "Release";

    private static void Report(string what, Stopwatch step, string detail)
    {
        Console.WriteLine($"  {what,-22} {step.Elapsed.TotalMilliseconds,9:F1} ms  {detail}");
        step.Restart();
    }
}
