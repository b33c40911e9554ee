using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Orleans.Parallel.Cli.Clusters;
using Orleans.Parallel.Hosting;

namespace Orleans.Parallel.Cli.Commands;

/// <summary>
/// <c>opx start</c>, as <c>ipcluster start -n 4</c>: a local cluster of one silo and its engines,
/// secure (mutual TLS with the cluster's credential, kept in its connection file), on free loopback
/// ports. It returns once the engines are ready and prints the connection file and the gateway. In
/// the foreground it runs until Ctrl-C or <c>opx stop</c>; with <c>--daemon</c> it goes on in the
/// background, writing to <c>opx.log</c> beside the connection file.
/// </summary>
internal static class StartCommand
{
    private const string DaemonChild = "--daemon-child", LogFile = "--log-file";

    public static Command Create()
    {
        var engines = new Option<int>("--engines", "-n") { Description = "Engines to start (default: one per core).", DefaultValueFactory = _ => Environment.ProcessorCount };
        engines.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 1024) r.AddError("--engines must be between 1 and 1024."); });
        var clusterId = new Option<string>("--cluster-id", "-c") { Description = $"The cluster's id: its connection file goes to $OP_HOME (default ~/.orleans-parallel)/clusters/<id>/. Default: {ClusterOptions.DefaultClusterId}.", DefaultValueFactory = _ => ClusterOptions.DefaultClusterId };
        var daemon = new Option<bool>("--daemon", "-d") { Description = "Leave the cluster running in the background once it is ready (ipcluster's --daemonize); 'opx stop' stops it." };
        var gatewayPort = new Option<int>("--gateway-port") { Description = "The clients' gateway port on 127.0.0.1 (default: a free port; the connection file says which)." };
        gatewayPort.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 0 or > 65535) r.AddError("--gateway-port must be a port number (0 for a free one)."); });
        var taskStore = new Option<string>("--task-store") { Description = "Where task records are kept: memory, postgres or none.", DefaultValueFactory = _ => Grains.Hub.Store.TaskStoreOptions.Memory };
        taskStore.AcceptOnlyFromAmong(Grains.Hub.Store.TaskStoreOptions.Memory, Grains.Hub.Store.TaskStoreOptions.Postgres, Grains.Hub.Store.TaskStoreOptions.None);
        var taskStoreConnectionFile = new Option<string?>("--task-store-connection-file") { Description = "For --task-store postgres: a file whose first line is the Npgsql connection string (or set OP_TASKSTORECONNECTION)." };
        var scheme = new Option<string>("--scheme") { Description = "How load-balanced tasks pick an engine: leastload, lru, plainrandom, twobin or weighted.", DefaultValueFactory = _ => Grains.Scheduling.Schemes.SchedulingSchemes.Default };
        var logLevel = new Option<LogLevel>("--log-level") { Description = "Lowest log level the silo prints.", DefaultValueFactory = _ => LogLevel.Warning };
        var heapLimit = new Option<string>("--heap-limit") { Description = "The cluster's GC heap hard limit, under which a task that allocates without end fails with OutOfMemoryException and the cluster lives: auto (75% of the machine's memory, or the runtime's own in a container), none, a share (60%) or a size (8GiB).", DefaultValueFactory = _ => SiloSettings.FromConfiguration().HeapLimit }; // OP_HEAPLIMIT, as for the silo
        heapLimit.Validators.Add(r =>
        {
            try { HeapLimit.Parse(r.GetValueOrDefault<string>()); }
            catch (ArgumentException e) { r.AddError($"--heap-limit: {e.Message}"); }
        });
        var (isolation, engineMemoryLimit, taskCpuLimit) = Orleans.Parallel.Commands.IsolationOptions.Create(SiloSettings.FromConfiguration());
        var startupTimeout = new Option<double>("--startup-timeout") { Description = "Seconds --daemon waits for the cluster to be ready.", DefaultValueFactory = _ => 120 };
        startupTimeout.Validators.Add(r => { if (r.GetValueOrDefault<double>() is not (> 0 and <= 3600)) r.AddError("--startup-timeout must be between 0 and 3600 seconds."); });
        var parentPid = new Option<int?>("--parent-pid") { Description = "Stop when this process exits (for scripts and tests that start clusters).", Hidden = true };
        var daemonChild = new Option<bool>(DaemonChild) { Hidden = true };
        var logFile = new Option<string?>(LogFile) { Hidden = true };

        var command = new Command("start", "Start a local cluster (one silo, its engines, secure) and return once it is ready, as ipcluster start; --daemon leaves it running in the background.")
        {
            engines, clusterId, daemon, gatewayPort, taskStore, taskStoreConnectionFile, scheme, logLevel, heapLimit, isolation, engineMemoryLimit, taskCpuLimit, startupTimeout, parentPid, daemonChild, logFile,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var id = parse.GetValue(clusterId)!;
            var location = ClusterLocation.OfId(id);
            var ports = LoopbackPorts.Reserve(2);
            var defaults = SiloSettings.FromConfiguration(); // OP_* variables (a task store's connection) still apply
            var settings = defaults with
            {
                Engines = parse.GetValue(engines),
                ClusterId = id,
                ServiceId = id,
                Clustering = ClusterMembership.Localhost,
                ClusteringConnection = null,
                ClusteringConnectionFile = null,
                PrimarySiloPort = null,
                Address = "127.0.0.1",
                ListenAny = false,
                Insecure = false,
                SiloPort = ports[0],
                GatewayPort = parse.GetValue(gatewayPort) is > 0 and var fixedPort ? fixedPort : ports[1],
                BulkPort = 0,
                TaskStore = parse.GetValue(taskStore)!,
                TaskStoreConnectionFile = parse.GetValue(taskStoreConnectionFile) ?? defaults.TaskStoreConnectionFile,
                Scheme = parse.GetValue(scheme)!,
                LogLevel = parse.GetValue(logLevel),
                HeapLimit = parse.GetValue(heapLimit)!,
                Isolation = parse.GetValue(isolation),
                EngineMemoryLimit = parse.GetValue(engineMemoryLimit),
                TaskCpuLimit = parse.GetValue(taskCpuLimit) is { } cpu ? TimeSpan.FromSeconds(cpu) : null,
            };
            if (parse.GetValue(daemonChild))
            {
                if (OperatingSystem.IsWindows() && parse.GetValue(logFile) is { } log) RedirectConsole(log);
                return await new ClusterHost(settings, location, daemon: true, parse.GetValue(logFile), parse.GetValue(parentPid)).RunAsync(cancellationToken);
            }
            if (await AlreadyRunningAsync(location) is { } running)
            {
                await Console.Error.WriteLineAsync($"opx start: {running} Stop it with 'opx stop{(id == ClusterOptions.DefaultClusterId ? "" : $" --cluster-id {id}")}', or start another with --cluster-id NAME.");
                return 1;
            }
            if (!parse.GetValue(daemon))
                return await new ClusterHost(settings, location, daemon: false, log: null, parse.GetValue(parentPid)).RunAsync(cancellationToken);

            var arguments = new List<string>
            {
                "start", DaemonChild,
                "--engines", settings.Engines.ToString(CultureInfo.InvariantCulture),
                "--cluster-id", id,
                "--gateway-port", settings.GatewayPort.ToString(CultureInfo.InvariantCulture),
                "--task-store", settings.TaskStore,
                "--scheme", settings.Scheme,
                "--log-level", settings.LogLevel.ToString(),
                "--heap-limit", settings.HeapLimit,
                "--isolation", settings.Isolation.ToString(),
                LogFile, location.LogFile,
            };
            if (settings.EngineMemoryLimit is { } memory) arguments.AddRange(["--engine-memory-limit", memory]);
            if (settings.TaskCpuLimit is { } limit) arguments.AddRange(["--task-cpu-limit", limit.TotalSeconds.ToString(CultureInfo.InvariantCulture)]);
            if (parse.GetValue(taskStoreConnectionFile) is { } storeFile) arguments.AddRange(["--task-store-connection-file", Path.GetFullPath(storeFile)]);
            if (parse.GetValue(parentPid) is { } parent) arguments.AddRange(["--parent-pid", parent.ToString(CultureInfo.InvariantCulture)]);
            return await Daemon.StartAsync(location, arguments, TimeSpan.FromSeconds(parse.GetValue(startupTimeout)), cancellationToken);
        });
        return command;
    }

    /// <summary>
    /// Why a new cluster of this id must not start: one that <c>opx start</c> runs, or any silo that
    /// answers at the connection file's gateways (the new one would take the file from it).
    /// </summary>
    private static async Task<string?> AlreadyRunningAsync(ClusterLocation location)
    {
        if (StartedCluster.TryRead(location) is { } started && started.IsRunning())
            return $"cluster '{started.ClusterId}' already runs (pid {started.Pid}, gateway {started.Gateway}{(started.Daemon ? $", log {started.Log}" : "")}).";
        return await LiveGateway.FindAsync(location) is { } gateway
            ? $"a silo of cluster '{location.ClusterId}' already answers at {gateway} (its connection file is {location.ConnectionFile})."
            : null;
    }

    private static void RedirectConsole(string log)
    {
        var writer = new StreamWriter(new FileStream(log, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        Console.SetOut(writer);
        Console.SetError(writer);
    }
}
