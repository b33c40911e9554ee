using System.Diagnostics;
using System.Globalization;
using Orleans.Parallel.Errors;
using Orleans.Parallel.Testing;

namespace Orleans.Parallel.Benchmarks;

/// <summary>
/// How long a silo's death takes to reach the client: a silo process with one engine running a
/// long task is killed with SIGKILL, and the time is measured until that task fails with
/// <see cref="EngineException"/> and until its engine leaves <c>Ids</c>. Three silos on localhost
/// clustering (the first holds the membership table and the engine registry; the one killed is
/// started anew each round), the silos' default probe timeout.
/// </summary>
internal static class SiloDeath
{
    private const int Rounds = 5;

    public static async Task MeasureAsync(Figures figures, CancellationToken cancellationToken)
    {
        var cluster = $"death{Guid.NewGuid():N}";
        await using var primary = await SiloProcess.StartAsync(1, null, ["--cluster-id", cluster]);
        string[] Join() => ["--cluster-id", cluster, "--primary-silo-port", primary.SiloPort.ToString(CultureInfo.InvariantCulture)];
        await using var second = await SiloProcess.StartAsync(1, null, Join());
        await using var rc = await ParallelClient.ConnectAsync(new ParallelClientOptions { GatewayPort = primary.GatewayPort, ClusterId = cluster }, cancellationToken);
        await rc.WaitForEnginesAsync(2, TimeSpan.FromSeconds(60), cancellationToken);
        var failed = new List<double>();
        var left = new List<double>();
        for (var round = 0; round < Rounds; round++)
        {
            await using var victim = await SiloProcess.StartAsync(1, null, Join());
            await rc.WaitForEnginesAsync(3, TimeSpan.FromSeconds(60), cancellationToken);
            var pids = await rc[..].ApplyAsync(() => Environment.ProcessId);
            var doomed = rc.Ids[pids.ToList().IndexOf(victim.ProcessId)];
            var task = rc[doomed].ApplyAsync(() => { Thread.Sleep(TimeSpan.FromMinutes(10)); return 0; });
            while ((await rc.QueueStatusAsync([doomed], verbose: true, cancellationToken)).Engines[0].Running is null) await Task.Delay(20, cancellationToken);

            var clock = Stopwatch.StartNew();
            victim.Kill();
            try
            {
                await task.AsTask().WaitAsync(TimeSpan.FromSeconds(120), cancellationToken);
                throw new InvalidOperationException("The task on the killed silo succeeded.");
            }
            catch (EngineException) { failed.Add(clock.Elapsed.TotalSeconds); }
            while (rc.Ids.Contains(doomed)) await Task.Delay(10, cancellationToken);
            left.Add(clock.Elapsed.TotalSeconds);
        }
        Console.WriteLine($"sigkill_to_task_failed_s by round: {string.Join(' ', failed.Select(s => s.ToString("F2", CultureInfo.InvariantCulture)))}");
        Console.WriteLine($"sigkill_to_engine_left_ids_s by round: {string.Join(' ', left.Select(s => s.ToString("F2", CultureInfo.InvariantCulture)))}");
        figures.Add("sigkill_to_task_failed_s_median", failed.Order().ElementAt(failed.Count / 2));
        figures.Add("sigkill_to_task_failed_s_max", failed.Max());
        figures.Add("sigkill_to_engine_left_ids_s_max", left.Max());
        await MeasureSingleSiloAsync(figures, cancellationToken);
    }

    /// <summary>
    /// The only silo of a cluster killed: no membership is left to declare it dead, so the news is
    /// the client's lost gateway (<see cref="ParallelClientOptions.GatewayLossGrace"/>, 2 s). Measured
    /// until every outstanding task (running and queued, direct and load-balanced) has failed.
    /// </summary>
    private static async Task MeasureSingleSiloAsync(Figures figures, CancellationToken cancellationToken)
    {
        var failed = new List<double>();
        for (var round = 0; round < 3; round++)
        {
            await using var silo = await SiloProcess.StartAsync(2);
            await using var rc = await ParallelClient.ConnectAsync(silo.ClientOptions, cancellationToken);
            await rc.WaitForEnginesAsync(2, TimeSpan.FromSeconds(60), cancellationToken);
            var tasks = new List<Task>
            {
                rc[0].ApplyAsync(() => { Thread.Sleep(TimeSpan.FromMinutes(10)); return 0; }).AsTask(),
                rc[1].ExecuteAsync("System.Threading.Thread.Sleep(600_000);").AsTask(),
                rc[0].ApplyAsync(() => 1).AsTask(),
            };
            tasks.AddRange(Enumerable.Range(0, 8).Select(i => rc.LoadBalancedView().ApplyAsync((int x) => x, i).AsTask()));
            while ((await rc.QueueStatusAsync(cancellationToken: cancellationToken)).Engines.Any(e => e.Running is null)) await Task.Delay(20, cancellationToken);

            var clock = Stopwatch.StartNew();
            silo.Kill();
            foreach (var task in tasks)
            {
                try
                {
                    await task.WaitAsync(TimeSpan.FromSeconds(120), cancellationToken);
                    throw new InvalidOperationException("A task on the killed silo succeeded.");
                }
                catch (EngineException) { }
            }
            failed.Add(clock.Elapsed.TotalSeconds);
        }
        Console.WriteLine($"sigkill_single_silo_to_all_failed_s by round: {string.Join(' ', failed.Select(s => s.ToString("F2", CultureInfo.InvariantCulture)))}");
        figures.Add("sigkill_single_silo_to_all_failed_s_max", failed.Max());
    }
}
