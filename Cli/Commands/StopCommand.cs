using System.CommandLine;
using Orleans.Parallel.Cli.Clusters;

namespace Orleans.Parallel.Cli.Commands;

/// <summary>
/// <c>opx stop</c>, as <c>ipcluster stop</c>: stops the cluster <c>opx start</c> runs, gracefully
/// (its silo leaves the cluster, engines finish their running tasks' bookkeeping, records are
/// written); with <c>--force</c>, kills it if it has not stopped within the timeout.
/// </summary>
internal static class StopCommand
{
    public static Command Create()
    {
        var force = new Option<bool>("--force") { Description = "Kill the cluster's process if it has not stopped gracefully within --timeout." };
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for a graceful stop.", DefaultValueFactory = _ => 30 };
        timeout.Validators.Add(r => { if (r.GetValueOrDefault<double>() is not (> 0 and <= 3600)) r.AddError("--timeout must be between 0 and 3600 seconds."); });
        var command = new Command("stop", "Stop the cluster opx start runs: gracefully, or killed after --timeout with --force.") { force, timeout };
        var cluster = ClusterOptions.AddTo(command);
        command.SetAction((parse, cancellationToken) =>
            StopAsync(cluster.Resolve(parse), parse.GetValue(force), TimeSpan.FromSeconds(parse.GetValue(timeout)), cancellationToken));
        return command;
    }

    private static async Task<int> StopAsync(ClusterLocation location, bool force, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = StartedCluster.TryRead(location);
        using var process = started?.FindProcess();
        if (started is null || process is null)
        {
            if (started is not null) File.Delete(location.StartedFile); // its process is gone: the record is stale
            await Console.Error.WriteLineAsync(
                !File.Exists(location.ConnectionFile) ? $"opx stop: no cluster is running: there is no connection file at {location.ConnectionFile}."
                : await LiveGateway.FindAsync(location) is { } gateway
                    ? $"opx stop: {location.Describe()} answers at {gateway}, but opx start did not start it; stop its silos where they run (Ctrl-C, or SIGTERM)."
                    : $"opx stop: {location.Describe()} is not running{(started is not null ? $" (its process {started.Pid} has exited)" : "")}.");
            return 1;
        }

        Console.WriteLine($"Stopping cluster '{started.ClusterId}' (pid {started.Pid})...");
        StopRequest.Send(location, started.Pid);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(wait.Token);
            Console.WriteLine($"Cluster '{started.ClusterId}' stopped.");
            return 0;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Not stopped within the timeout.
        }
        if (!force)
        {
            await Console.Error.WriteLineAsync($"opx stop: cluster '{started.ClusterId}' (pid {started.Pid}) has not stopped within {timeout.TotalSeconds:0} s; it may still be finishing. 'opx stop --force' kills it.");
            return 1;
        }
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync(cancellationToken);
        // A killed process cannot tidy up after itself.
        File.Delete(location.StartedFile);
        StopRequest.Clear(location);
        Console.WriteLine($"Cluster '{started.ClusterId}' did not stop within {timeout.TotalSeconds:0} s and was killed (pid {started.Pid}).");
        return 0;
    }
}
