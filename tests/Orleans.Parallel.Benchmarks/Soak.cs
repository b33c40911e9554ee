using System.Diagnostics;
using System.Globalization;
using Orleans.Parallel.Errors;
using Orleans.Parallel.Testing;

namespace Orleans.Parallel.Benchmarks;

/// <summary>
/// The soak (not part of the default run): continuous load-balanced work on three silos while the
/// third is killed with SIGKILL and started again every minute. Every task must end (ok, or with an
/// error); one that has not ended two minutes after it was sent counts as lost. Prints the counts
/// and, each minute, the surviving silos' and the client's memory.
/// </summary>
internal static class Soak
{
    private const int Window = 200;
    private static readonly TimeSpan KillEvery = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan LostAfter = TimeSpan.FromMinutes(2);

    public static async Task MeasureAsync(double minutes, Figures figures, CancellationToken cancellationToken)
    {
        var cluster = $"soak{Guid.NewGuid():N}";
        await using var primary = await SiloProcess.StartAsync(1, null, ["--cluster-id", cluster]);
        string[] Join() => ["--cluster-id", cluster, "--primary-silo-port", primary.SiloPort.ToString(CultureInfo.InvariantCulture)];
        await using var second = await SiloProcess.StartAsync(1, null, Join());
        var victim = await SiloProcess.StartAsync(1, null, Join());
        await using var rc = await ParallelClient.ConnectAsync(new ParallelClientOptions { GatewayPort = primary.GatewayPort, ClusterId = cluster }, cancellationToken);
        await rc.WaitForEnginesAsync(3, TimeSpan.FromSeconds(60), cancellationToken);
        await rc[..].ApplyAsync(() => 0); // code uploaded and every engine primed

        var lb = rc.LoadBalancedView().With(retries: 1);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(minutes);
        long sent = 0, ok = 0, wrong = 0, engineErrors = 0, otherErrors = 0, lost = 0, kills = 0;
        var errorKinds = new Dictionary<string, long>();
        var window = new Queue<(Results.AsyncResult<int> Result, int Expected)>();
        var nextKill = DateTime.UtcNow + KillEvery;
        var clock = Stopwatch.StartNew();
        Console.WriteLine("soak minute, tasks ended, primary silo RSS MB, second silo RSS MB, client heap MB");
        var nextReport = TimeSpan.FromMinutes(1);
        try
        {
            while (DateTime.UtcNow < deadline || window.Count > 0)
            {
                while (DateTime.UtcNow < deadline && window.Count < Window)
                {
                    var x = (int)(sent++ % 1_000_000);
                    window.Enqueue((lb.ApplyAsync((int v) => { Thread.Sleep(5); return v; }, x), x));
                }
                var (result, expected) = window.Dequeue();
                try
                {
                    if (await result.AsTask().WaitAsync(LostAfter, cancellationToken) == expected) ok++;
                    else wrong++;
                }
                catch (TimeoutException) { lost++; }
                catch (EngineException) { engineErrors++; }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    otherErrors++;
                    errorKinds[e.GetType().Name] = errorKinds.GetValueOrDefault(e.GetType().Name) + 1;
                }
                if (DateTime.UtcNow >= nextKill && DateTime.UtcNow < deadline)
                {
                    victim.Kill();
                    await victim.DisposeAsync();
                    kills++;
                    victim = await SiloProcess.StartAsync(1, null, Join());
                    nextKill = DateTime.UtcNow + KillEvery;
                }
                if (clock.Elapsed >= nextReport)
                {
                    nextReport += TimeSpan.FromMinutes(1);
                    Console.WriteLine($"{clock.Elapsed.TotalMinutes:F0}, {ok + wrong + engineErrors + otherErrors + lost}, {RssMb(primary.ProcessId):F0}, {RssMb(second.ProcessId):F0}, {GC.GetTotalMemory(false) / 1e6:F0}");
                }
            }
        }
        finally
        {
            await victim.DisposeAsync();
        }
        Console.WriteLine($"soak: {sent} sent, {ok} ok, {wrong} wrong values, {engineErrors} EngineException, {otherErrors} other errors ({string.Join(", ", errorKinds.Select(k => $"{k.Key} {k.Value}"))}), {lost} lost, {kills} silos killed");
        figures.Add("soak_tasks", sent);
        figures.Add("soak_ok", ok);
        figures.Add("soak_engine_errors", engineErrors);
        figures.Add("soak_other_errors", otherErrors + wrong);
        figures.Add("soak_lost", lost);
        figures.Add("soak_kills", kills);
    }

    private static double RssMb(int pid)
    {
        using var process = Process.GetProcessById(pid);
        return process.WorkingSet64 / 1e6;
    }
}
