using System.CommandLine;
using System.Diagnostics;
using Orleans.Parallel.Views;

namespace Orleans.Parallel.Commands;

/// <summary>
/// <c>demo</c>: a real parallel job on an embedded cluster: scatter a vector, run a function and a
/// script against each engine's block, gather, and check the answer against a local computation.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var engines = new Option<int>("--engines", "-n") { Description = "Engines in the local cluster.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var items = new Option<int>("--items") { Description = "Length of the vector to process.", DefaultValueFactory = _ => 10_000_000 };
        var command = new Command("demo", "Start a local cluster, scatter data, apply a function, gather, and print the answer with timings.")
        {
            engines, items,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(engines), parse.GetValue(items), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(int engines, int count, CancellationToken cancellationToken)
    {
        var total = Stopwatch.StartNew();
        var step = Stopwatch.StartNew();
        await using var cluster = await LocalCluster.StartAsync(engines, cancellationToken);
        var rc = cluster.Client;
        Report("start cluster", step, $"{rc.Ids.Count} engines [{string.Join(", ", rc.Ids)}]");

        var all = rc[..];
        var data = new double[count];
        for (var i = 0; i < count; i++) data[i] = i;

        await all.ScatterAsync("x", data);
        Report("scatter", step, $"{count:N0} doubles in {rc.Ids.Count} blocks");

        await all.ExecuteAsync("var y = x.Select(v => 2 * v + 1).ToArray();");
        Report("execute y = 2x + 1", step, "C# script on every engine (the first compiles with Roslyn)");

        var partial = await all.ApplyAsync((double[] x) => x.Sum(Math.Sqrt), new Reference<double[]>("x"));
        var parallelSum = partial.Sum();
        Report("apply sum(sqrt(x))", step, $"partial sums {string.Join(", ", partial.Select(p => p.ToString("G6")))} (first call ships the function's code)");

        var again = (await all.ApplyAsync((double[] x) => x.Sum(Math.Sqrt), new Reference<double[]>("x"))).Sum();
        Report("apply again", step, "same work, code already on the engines");

        var y = await all.GatherAsync<double>("y");
        Report("gather y", step, $"{y.Count:N0} values");

        // Load balancing: uneven tasks (counting primes below n grows with n) farmed out in chunks.
        var lb = rc.LoadBalancedView();
        var limits = Enumerable.Range(1, 1_000).Select(i => i * 20).ToArray();
        var primeCounts = await lb.MapAsync((int n) => PrimesBelow(n), limits, chunkSize: 25);
        Report("load-balanced map", step, $"primes below {limits.Length:N0} limits in {limits.Length / 25} chunks, spread by the scheduler");

        var localSum = data.Sum(Math.Sqrt);
        Report("local sum (1 core)", step, "for comparison");
        var primesOk = primeCounts.SequenceEqual(limits.Select(PrimesBelow));
        var sumOk = Math.Abs(parallelSum - localSum) <= 1e-9 * Math.Abs(localSum) && again == parallelSum;
        var yOk = y.Count == count && y.Select((v, i) => v == 2.0 * i + 1).All(b => b);
        Console.WriteLine();
        Console.WriteLine($"sum(sqrt(i)) for i < {count:N0} = {parallelSum:R} (local {localSum:R}) {(sumOk ? "OK" : "MISMATCH")}");
        Console.WriteLine($"gathered y == 2i + 1 for all i: {(yOk ? "OK" : "MISMATCH")}");
        Console.WriteLine($"prime counts from the load-balanced map match a local count: {(primesOk ? "OK" : "MISMATCH")} (below {limits[^1]:N0}: {primeCounts[^1]:N0})");
        Console.WriteLine($"total {total.Elapsed.TotalMilliseconds:F0} ms");
        return sumOk && yOk && primesOk ? 0 : 1;
    }

    /// <summary>How many primes are below <paramref name="n"/> (trial division: deliberately uneven work).</summary>
    private static int PrimesBelow(int n)
    {
        var count = 0;
        for (var k = 2; k < n; k++)
        {
            var prime = true;
            for (var d = 2; d * d <= k && prime; d++) prime = k % d != 0;
            if (prime) count++;
        }
        return count;
    }

    private static void Report(string what, Stopwatch step, string detail)
    {
        Console.WriteLine($"{what,-22} {step.Elapsed.TotalMilliseconds,9:F1} ms  {detail}");
        step.Restart();
    }
}
