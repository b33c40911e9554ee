using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Parallel.Hosting;

namespace Orleans.Parallel.Cli.Clusters;

/// <summary>
/// The process behind <c>opx start</c>: hosts one silo with its engines (through the Hosting library,
/// secure as every silo is), says where clients find it, records itself beside the connection file,
/// and runs until Ctrl-C, SIGTERM, <c>opx stop</c>, or the exit of the process that asked it to
/// follow it (<c>--parent-pid</c>).
/// </summary>
internal sealed class ClusterHost(SiloSettings settings, ClusterLocation location, bool daemon, string? log, int? parentPid)
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        IHost host;
        string heap;
        try
        {
            heap = HeapLimit.Apply(settings.HeapLimit);
            host = SiloHostFactory.Create(settings);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync($"opx start: {e.Message}"); // bad settings: say which, not a stack trace
            return 2;
        }
        using var owned = host;
        // A daemon outlives its terminal: a hang-up is not a reason to stop.
        using var hangUp = daemon && !OperatingSystem.IsWindows() ? PosixSignalRegistration.Create(PosixSignal.SIGHUP, c => c.Cancel = true) : null;
        StopRequest.Clear(location);
        await host.StartAsync(cancellationToken);

        var connectionFile = host.Services.GetRequiredService<ConnectionFilePublisher>().Path ?? location.ConnectionFile;
        var gateway = $"{settings.ResolvedAddress()}:{settings.GatewayPort}";
        var ids = host.Services.GetRequiredService<EngineHost>().EngineIds;
        new StartedCluster
        {
            Pid = Environment.ProcessId,
            ProcessStarted = StartedCluster.OwnStartTime(),
            ClusterId = settings.ClusterId,
            Gateway = gateway,
            Engines = ids.Count,
            TaskStore = settings.TaskStore,
            Daemon = daemon,
            Log = log,
        }.Write(location);
        Console.WriteLine($"Cluster '{settings.ClusterId}' ready: {ids.Count} engine{(ids.Count == 1 ? "" : "s")} [{Registry.EngineIdRanges.Format(ids)}], task store {settings.TaskStore}, {heap}, {(settings.Isolation == EngineIsolation.Process ? "engines isolated in processes, " : "")}mutual TLS (pid {Environment.ProcessId}).");
        Console.WriteLine($"Connection file: {connectionFile}");
        Console.WriteLine($"Gateway: {gateway}");
        if (!daemon) Console.WriteLine("Ctrl-C or 'opx stop' stops it.");

        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStopping);
        _ = StopWhenAskedAsync(lifetime, stopping.Token);
        if (parentPid is { } parent) _ = ParentProcess.StopWithAsync(parent, lifetime, $"Cluster '{settings.ClusterId}'");
        try
        {
            await host.WaitForShutdownAsync(cancellationToken);
        }
        finally
        {
            StartedCluster.RemoveOwn(location);
            StopRequest.Clear(location);
        }
        Console.WriteLine($"Cluster '{settings.ClusterId}' stopped.");
        return 0;
    }

    private async Task StopWhenAskedAsync(IHostApplicationLifetime lifetime, CancellationToken cancellationToken)
    {
        try
        {
            await StopRequest.WaitAsync(location, cancellationToken);
            Console.WriteLine($"Cluster '{settings.ClusterId}': asked to stop (opx stop); stopping.");
            lifetime.StopApplication();
        }
        catch (OperationCanceledException)
        {
            // Stopping for another reason.
        }
    }
}
