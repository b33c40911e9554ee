using System.Diagnostics;
using Orleans.Parallel;
using Orleans.Parallel.SampleClient;
using Orleans.Parallel.Views;

// Connects to the cluster the app host started, waits for every silo's engines, and does real work
// on them: scatter, apply and gather on every engine, then a load-balanced map. Exit 0 when every
// answer matches a local computation, 1 when one does not; an exception (no cluster) exits nonzero too.
var engines = int.Parse(Environment.GetEnvironmentVariable("SAMPLE_ENGINES") ?? "1", System.Globalization.CultureInfo.InvariantCulture);
var options = AspireCluster.Options();
var clock = Stopwatch.StartNew();
Console.WriteLine($"Connecting to cluster '{options.ClusterId}' (Redis membership), waiting for {engines} engines...");
await using var rc = await ParallelClient.ConnectAsync(options);
await rc.WaitForEnginesAsync(engines, TimeSpan.FromMinutes(2));
Console.WriteLine($"{rc.Ids.Count} engines [{string.Join(", ", rc.Ids)}] after {clock.Elapsed.TotalSeconds:F1} s");

// Direct view: a block of the vector on each engine, summed there, the blocks gathered back.
var all = rc[..];
var data = Enumerable.Range(1, 1_000_000).Select(i => (long)i).ToArray();
await all.ScatterAsync("x", data);
var partial = await all.ApplyAsync((long[] x) => x.Sum(), new Reference<long[]>("x"));
var sum = partial.Sum();
var gathered = await all.GatherAsync<long>("x");
var sumOk = sum == data.Sum() && gathered.SequenceEqual(data);
Console.WriteLine($"sum of 1..{data.Length:N0} = {sum} from {partial.Count} partial sums; gathered back in order: {(sumOk ? "OK" : "MISMATCH")}");

// Load-balanced: uneven tasks, in chunks, wherever the scheduler finds a free engine.
var starts = Enumerable.Range(1, 20_000).Select(i => (long)i).ToArray();
var steps = await rc.LoadBalancedView().MapAsync((long n) => Collatz.Steps(n), starts, chunkSize: 500);
var mapOk = steps.SequenceEqual(starts.Select(Collatz.Steps));
Console.WriteLine($"load-balanced map: Collatz steps of 1..{starts.Length:N0} in {starts.Length / 500} chunks, the longest {steps.Max()}: {(mapOk ? "OK" : "MISMATCH")}");

Console.WriteLine(sumOk && mapOk ? $"Sample work done in {clock.Elapsed.TotalSeconds:F1} s." : "Sample work FAILED.");
return sumOk && mapOk ? 0 : 1;
