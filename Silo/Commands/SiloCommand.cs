using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Parallel.Hosting;

namespace Orleans.Parallel.Commands;

/// <summary>The default command: run one silo with engines until Ctrl-C.</summary>
internal static class SiloCommand
{
    public static void Configure(RootCommand root)
    {
        var defaults = new SiloSettings();
        var engines = new Option<int>("--engines", "-n") { Description = "Engines to host on this silo.", DefaultValueFactory = _ => defaults.Engines };
        var siloPort = new Option<int>("--silo-port") { Description = "Silo-to-silo port (loopback).", DefaultValueFactory = _ => defaults.SiloPort };
        var gatewayPort = new Option<int>("--gateway-port") { Description = "Client gateway port (loopback).", DefaultValueFactory = _ => defaults.GatewayPort };
        var bulkPort = new Option<int>("--bulk-port") { Description = "Port for large arrays beside Orleans (0: any free port).", DefaultValueFactory = _ => defaults.BulkPort };
        var clusterId = new Option<string>("--cluster-id") { Description = "Orleans cluster id.", DefaultValueFactory = _ => defaults.ClusterId };
        var serviceId = new Option<string>("--service-id") { Description = "Orleans service id.", DefaultValueFactory = _ => defaults.ServiceId };
        var scheme = new Option<string>("--scheme") { Description = "How load-balanced tasks pick an engine: leastload, lru, plainrandom, twobin or weighted.", DefaultValueFactory = _ => defaults.Scheme };
        var hwm = new Option<int>("--hwm") { Description = "Most load-balanced tasks outstanding per engine (0: no limit).", DefaultValueFactory = _ => defaults.HighWaterMark };
        var taskStore = new Option<string>("--task-store") { Description = "Where task records are kept: memory, postgres or none.", DefaultValueFactory = _ => defaults.TaskStore };
        var taskStoreConnection = new Option<string?>("--task-store-connection") { Description = "For --task-store postgres: the Npgsql connection string (Host=...;Port=...;Username=...;Database=...)." };
        var recordLimit = new Option<int>("--record-limit") { Description = "For --task-store memory: most records kept (the oldest finished are culled).", DefaultValueFactory = _ => defaults.RecordLimit };
        var logLevel = new Option<LogLevel>("--log-level") { Description = "Lowest log level printed.", DefaultValueFactory = _ => defaults.LogLevel };
        var parentPid = new Option<int?>("--parent-pid") { Description = "Stop when this process exits (for tools that start silos).", Hidden = true };
        foreach (var option in new Option[] { engines, siloPort, gatewayPort, bulkPort, clusterId, serviceId, scheme, hwm, taskStore, taskStoreConnection, recordLimit, logLevel, parentPid }) root.Options.Add(option);

        root.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new SiloSettings
            {
                Engines = parse.GetValue(engines),
                SiloPort = parse.GetValue(siloPort),
                GatewayPort = parse.GetValue(gatewayPort),
                BulkPort = parse.GetValue(bulkPort),
                ClusterId = parse.GetValue(clusterId)!,
                ServiceId = parse.GetValue(serviceId)!,
                Scheme = parse.GetValue(scheme)!,
                HighWaterMark = parse.GetValue(hwm),
                TaskStore = parse.GetValue(taskStore)!,
                TaskStoreConnection = parse.GetValue(taskStoreConnection),
                RecordLimit = parse.GetValue(recordLimit),
                LogLevel = parse.GetValue(logLevel),
            };
            using var host = SiloHostFactory.Create(settings);
            await host.StartAsync(cancellationToken);
            if (parse.GetValue(parentPid) is { } parent) _ = StopWithParentAsync(parent, host);
            var ids = host.Services.GetRequiredService<EngineHost>().EngineIds;
            Console.WriteLine(
                $"Orleans.Parallel silo ready: {ids.Count} engines [{string.Join(", ", ids)}], gateway 127.0.0.1:{settings.GatewayPort}, " +
                $"bulk {host.Services.GetRequiredService<Grains.Bulk.BulkServer>().Endpoint}, " +
                $"cluster '{settings.ClusterId}'. Ctrl-C stops it.");
            await host.WaitForShutdownAsync(cancellationToken);
            Console.WriteLine("Orleans.Parallel silo stopped.");
            return 0;
        });
    }

    /// <summary>A silo started by a test or benchmark must not outlive it, even when that process is killed.</summary>
    private static async Task StopWithParentAsync(int parentPid, IHost host)
    {
        try
        {
            using var parent = System.Diagnostics.Process.GetProcessById(parentPid);
            await parent.WaitForExitAsync();
        }
        catch (ArgumentException)
        {
            // Already gone.
        }
        Console.WriteLine($"Orleans.Parallel silo: the process that started it ({parentPid}) has exited; stopping.");
        host.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
    }
}
