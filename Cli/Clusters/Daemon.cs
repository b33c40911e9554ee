using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Orleans.Parallel.Cli.Clusters;

/// <summary>
/// <c>opx start --daemon</c>'s side of a background cluster: start the process, wait until it
/// records itself ready, and print what a client needs; or, if it fails first, say why from its log.
/// </summary>
internal static class Daemon
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    public static async Task<int> StartAsync(ClusterLocation location, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // The folder holds the connection file: owner-only, as the silo would make it.
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(location.Folder);
        else Directory.CreateDirectory(location.Folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var logOptions = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.ReadWrite };
        if (!OperatingSystem.IsWindows()) logOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var header = new StreamWriter(location.LogFile, logOptions))
            header.WriteLine($"--- opx start --daemon, {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss}Z ---");
        var logStart = new FileInfo(location.LogFile).Length;
        var launched = DateTime.UtcNow;
        using var process = SelfLaunch.Start(arguments, location.LogFile);
        // Ctrl-C while it starts cancels the start (the command line leaves Ctrl-C to the commands).
        using var interrupted = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var ctrlC = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; interrupted.Cancel(); });
        cancellationToken = interrupted.Token;
        var deadline = Stopwatch.StartNew();
        try
        {
            while (true)
            {
                await Task.Delay(Poll, cancellationToken);
                if (StartedCluster.TryRead(location) is { } started && started.ProcessStarted >= launched.AddSeconds(-2) && started.IsRunning())
                {
                    Console.WriteLine($"Cluster '{started.ClusterId}' ready in the background: {started.Engines} engine{(started.Engines == 1 ? "" : "s")}, task store {started.TaskStore}, mutual TLS (pid {started.Pid}).");
                    Console.WriteLine($"Connection file: {location.ConnectionFile}");
                    Console.WriteLine($"Gateway: {started.Gateway}");
                    Console.WriteLine($"Log: {location.LogFile}");
                    Console.WriteLine($"'opx stop{(started.ClusterId == ClusterOptions.DefaultClusterId ? "" : $" --cluster-id {started.ClusterId}")}' stops it.");
                    return 0;
                }
                if (process.HasExited)
                {
                    await Console.Error.WriteLineAsync($"opx start: the cluster's process exited (code {process.ExitCode}) before it was ready. Its log ({location.LogFile}) says:");
                    await Console.Error.WriteLineAsync(Tail(location.LogFile, logStart));
                    return 1;
                }
                if (deadline.Elapsed > timeout)
                {
                    process.Kill(entireProcessTree: true);
                    await Console.Error.WriteLineAsync($"opx start: the cluster was not ready within {timeout.TotalSeconds:0} s, so it was stopped (a busy machine may need a longer --startup-timeout). Its log ({location.LogFile}) says:");
                    await Console.Error.WriteLineAsync(Tail(location.LogFile, logStart));
                    return 1;
                }
            }
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true); // Ctrl-C while it starts: no half-started cluster left behind
            await Console.Error.WriteLineAsync("opx start: cancelled; the cluster's process was stopped.");
            return 130;
        }
    }

    /// <summary>The last lines this start wrote to the log.</summary>
    private static string Tail(string log, long from)
    {
        using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(Math.Max(from, stream.Length - 8192), SeekOrigin.Begin);
        var lines = new StreamReader(stream).ReadToEnd().Split('\n').TakeLast(25);
        return "  " + string.Join("\n  ", lines).TrimEnd();
    }
}
