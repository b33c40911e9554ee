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
        // Defaults from appsettings.json and OP_* environment variables; the command line overrides them.
        var defaults = SiloSettings.FromConfiguration();
        var engines = new Option<int>("--engines", "-n") { Description = "Engines to host on this silo.", DefaultValueFactory = _ => defaults.Engines };
        var siloPort = new Option<int>("--silo-port") { Description = "Silo-to-silo port (loopback).", DefaultValueFactory = _ => defaults.SiloPort };
        var gatewayPort = new Option<int>("--gateway-port") { Description = "Client gateway port (loopback).", DefaultValueFactory = _ => defaults.GatewayPort };
        var bulkPort = new Option<int>("--bulk-port") { Description = "Port for large arrays beside Orleans (0: any free port).", DefaultValueFactory = _ => defaults.BulkPort };
        var healthPort = new Option<int?>("--health-port") { Description = "Plain HTTP port for probes: /healthz (alive) and /readyz (in the cluster, engines listed), 200 or 503. Default: none; 0: any free port.", DefaultValueFactory = _ => defaults.HealthPort };
        var dashboardPort = new Option<int?>("--dashboard-port") { Description = "HTTP port of the Orleans Dashboard (grains, silos, call rates; read-only, no login: it listens where --address says). Default: none; 0: any free port.", DefaultValueFactory = _ => defaults.DashboardPort };
        healthPort.Validators.Add(r => { if (r.GetValueOrDefault<int?>() is < 0 or > 65535) r.AddError("--health-port must be a port number (0 for any free port)."); });
        var clustering = new Option<string>("--clustering") { Description = "How silos find each other: localhost, redis or azure.", DefaultValueFactory = _ => defaults.Clustering };
        var clusteringConnection = new Option<string?>("--clustering-connection") { Description = "For redis: the server (host:port); for azure: a storage connection string. With a password, prefer --clustering-connection-file or OP_CLUSTERINGCONNECTION: the command line shows in ps.", DefaultValueFactory = _ => defaults.ClusteringConnection };
        var clusteringConnectionFile = new Option<string?>("--clustering-connection-file") { Description = "A file whose first line is the clustering connection (keeps a password out of ps).", DefaultValueFactory = _ => defaults.ClusteringConnectionFile };
        var insecure = new Option<bool>("--insecure") { Description = "No TLS and no credential on any port: anyone who reaches them can run code as this user. Default: mutual TLS with the cluster credential.", DefaultValueFactory = _ => defaults.Insecure };
        var credential = new Option<string?>("--credential") { Description = "The cluster credential: a PEM file (certificate and key) or a connection file. Default: OP_CREDENTIALPEM, else this cluster's connection file in ~/.orleans-parallel (OP_HOME), else a new one.", DefaultValueFactory = _ => defaults.Credential };
        var trust = new Option<string?>("--trust") { Description = "A PEM file of further certificates to accept, while a cluster changes credential.", DefaultValueFactory = _ => defaults.Trust };
        var primarySiloPort = new Option<int?>("--primary-silo-port") { Description = "For localhost clustering of several silos: the first silo's --silo-port.", DefaultValueFactory = _ => defaults.PrimarySiloPort };
        var address = new Option<string>("--address") { Description = "The IP address (or a host name, resolved at start) this silo listens on and gives to others (default 127.0.0.1; another address needs --clustering redis or azure).", DefaultValueFactory = _ => defaults.Address };
        var listenAny = new Option<bool>("--listen-any") { Description = "Listen on every interface, still giving --address to others (a machine behind NAT, a container's published ports). Off: only --address.", DefaultValueFactory = _ => defaults.ListenAny };
        var bulkEndpoint = new Option<string?>("--bulk-endpoint") { Description = "The bulk endpoint clients are told (IP:port), when they reach the bulk port through a translated address: a container's published port. Default: --address and --bulk-port.", DefaultValueFactory = _ => defaults.BulkEndpoint };
        var clusterId = new Option<string>("--cluster-id") { Description = "Orleans cluster id.", DefaultValueFactory = _ => defaults.ClusterId };
        var serviceId = new Option<string>("--service-id") { Description = "Orleans service id.", DefaultValueFactory = _ => defaults.ServiceId };
        var scheme = new Option<string>("--scheme") { Description = "How load-balanced tasks pick an engine: leastload, lru, plainrandom, twobin or weighted.", DefaultValueFactory = _ => defaults.Scheme };
        var probeTimeout = new Option<double>("--probe-timeout") { Description = "Seconds: how quickly a silo that stops answering is declared dead (its engines leave Ids within about 3x this + 2 s).", DefaultValueFactory = _ => defaults.ProbeTimeout.TotalSeconds };
        probeTimeout.Validators.Add(r => { if (r.GetValueOrDefault<double>() is not (>= 0.2 and <= 60)) r.AddError("--probe-timeout must be between 0.2 and 60 seconds."); });
        var hwm = new Option<int>("--hwm") { Description = "Most load-balanced tasks outstanding per engine (0: no limit).", DefaultValueFactory = _ => defaults.HighWaterMark };
        var taskStore = new Option<string>("--task-store") { Description = "Where task records are kept: memory, postgres or none.", DefaultValueFactory = _ => defaults.TaskStore };
        var taskStoreConnection = new Option<string?>("--task-store-connection") { Description = "For --task-store postgres: the Npgsql connection string (Host=...;Port=...;Username=...;Database=...). With a password, prefer --task-store-connection-file or OP_TASKSTORECONNECTION: the command line shows in ps.", DefaultValueFactory = _ => defaults.TaskStoreConnection };
        var taskStoreConnectionFile = new Option<string?>("--task-store-connection-file") { Description = "A file whose first line is the task store's connection string (keeps a password out of ps).", DefaultValueFactory = _ => defaults.TaskStoreConnectionFile };
        var recordLimit = new Option<int>("--record-limit") { Description = "For --task-store memory: most records kept (the oldest finished are culled).", DefaultValueFactory = _ => defaults.RecordLimit };
        var recordCullFraction = new Option<double>("--record-cull-fraction") { Description = "For --task-store memory: past a limit, the oldest finished records are culled until the store is this share under it.", DefaultValueFactory = _ => defaults.RecordCullFraction };
        recordCullFraction.Validators.Add(r => { if (r.GetValueOrDefault<double>() is not (> 0 and <= 1)) r.AddError("--record-cull-fraction must be more than 0 and at most 1."); });
        var logLevel = new Option<LogLevel>("--log-level") { Description = "Lowest log level printed.", DefaultValueFactory = _ => defaults.LogLevel };
        var logFormat = new Option<string>("--log-format") { Description = "How logs are written: text, or json (one object a line, for log collectors).", DefaultValueFactory = _ => defaults.LogFormat };
        logFormat.AcceptOnlyFromAmong(SiloSettings.TextLogs, SiloSettings.JsonLogs);
        var heapLimit = new Option<string>("--heap-limit") { Description = "The silo's GC heap hard limit, under which a task that allocates without end fails with OutOfMemoryException and the silo lives: auto (75% of the machine's memory, or the runtime's own limit in a container), none, a share (60%) or a size (8GiB).", DefaultValueFactory = _ => defaults.HeapLimit };
        var (isolation, engineMemoryLimit, taskCpuLimit) = IsolationOptions.Create(defaults);
        var parentPid = new Option<int?>("--parent-pid") { Description = "Stop when this process exits (for tools that start silos).", Hidden = true };
        foreach (var option in new Option[] { engines, siloPort, gatewayPort, bulkPort, bulkEndpoint, healthPort, dashboardPort, clustering, clusteringConnection, clusteringConnectionFile, insecure, credential, trust, taskStoreConnectionFile, primarySiloPort, address, listenAny, clusterId, serviceId, scheme, hwm, probeTimeout, taskStore, taskStoreConnection, recordLimit, recordCullFraction, logLevel, logFormat, heapLimit, isolation, engineMemoryLimit, taskCpuLimit, parentPid }) root.Options.Add(option);

        root.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new SiloSettings
            {
                Engines = parse.GetValue(engines),
                SiloPort = parse.GetValue(siloPort),
                GatewayPort = parse.GetValue(gatewayPort),
                BulkPort = parse.GetValue(bulkPort),
                BulkEndpoint = parse.GetValue(bulkEndpoint),
                HealthPort = parse.GetValue(healthPort),
                DashboardPort = parse.GetValue(dashboardPort),
                Clustering = parse.GetValue(clustering)!,
                ClusteringConnection = parse.GetValue(clusteringConnection),
                ClusteringConnectionFile = parse.GetValue(clusteringConnectionFile),
                Insecure = parse.GetValue(insecure),
                Credential = parse.GetValue(credential),
                CredentialPem = defaults.CredentialPem,
                Trust = parse.GetValue(trust),
                TaskStoreConnectionFile = parse.GetValue(taskStoreConnectionFile),
                PrimarySiloPort = parse.GetValue(primarySiloPort),
                Address = parse.GetValue(address)!,
                ListenAny = parse.GetValue(listenAny),
                ClusterId = parse.GetValue(clusterId)!,
                ServiceId = parse.GetValue(serviceId)!,
                Scheme = parse.GetValue(scheme)!,
                HighWaterMark = parse.GetValue(hwm),
                ProbeTimeout = TimeSpan.FromSeconds(parse.GetValue(probeTimeout)),
                TaskStore = parse.GetValue(taskStore)!,
                TaskStoreConnection = parse.GetValue(taskStoreConnection),
                RecordLimit = parse.GetValue(recordLimit),
                RecordCullFraction = parse.GetValue(recordCullFraction),
                LogLevel = parse.GetValue(logLevel),
                LogFormat = parse.GetValue(logFormat)!,
                HeapLimit = parse.GetValue(heapLimit)!,
                Isolation = parse.GetValue(isolation),
                EngineMemoryLimit = parse.GetValue(engineMemoryLimit),
                TaskCpuLimit = parse.GetValue(taskCpuLimit) is { } cpu ? TimeSpan.FromSeconds(cpu) : null,
            };
            IHost host;
            string heap;
            try
            {
                heap = HeapLimit.Apply(settings.HeapLimit);
                host = SiloHostFactory.Create(settings);
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"Orleans.Parallel silo: {e.Message}"); // bad settings: say which, not a stack trace
                return 2;
            }
            using var owned = host;
            if (settings.Insecure) Console.Error.WriteLine(Security.ClusterSecurity.InsecureWarning);
            await host.StartAsync(cancellationToken);
            var publisher = host.Services.GetRequiredService<ConnectionFilePublisher>();
            Console.WriteLine($"Credential: {publisher.Describe()}.");
            if (publisher.Path is { } connectionFile)
                Console.WriteLine($"Connection file: {connectionFile} (owner-only; a client on another machine needs a copy, kept as private as an SSH key).");
            if (parse.GetValue(parentPid) is { } parent) _ = ParentProcess.StopWithAsync(parent, host.Services.GetRequiredService<IHostApplicationLifetime>(), "Orleans.Parallel silo");
            var ids = host.Services.GetRequiredService<EngineHost>().EngineIds;
            Console.WriteLine(
                $"Orleans.Parallel silo ready: {ids.Count} engines [{Registry.EngineIdRanges.Format(ids)}], gateway {settings.ResolvedAddress()}:{settings.GatewayPort}, " +
                $"bulk {host.Services.GetRequiredService<Grains.Bulk.BulkServer>().Endpoint}, " +
                (host.Services.GetRequiredService<Hosting.Health.HealthEndpoint>().Port is { } health ? $"health http://{settings.ResolvedAddress()}:{health}/readyz, " : "") +
                (host.Services.GetService<Hosting.SiloDashboard>()?.Port is { } dashboard ? $"dashboard http://{settings.ResolvedAddress()}:{dashboard}/, " : "") +
                $"{heap}, " +
                (settings.Isolation == EngineIsolation.Process
                    ? $"engines isolated in processes{(settings.EngineMemoryBytes() is { } limit ? $" (heap limit {limit / (double)(1L << 30):0.0#} GiB each)" : "")}, "
                    : "") +
                $"listening on {(settings.ListenAny ? "every interface" : settings.ResolvedAddress())}, " +
                (settings.Insecure ? "INSECURE (no TLS, no credential), " : "mutual TLS, ") +
                $"cluster '{settings.ClusterId}' ({settings.Clustering} clustering). Ctrl-C stops it.");
            await host.WaitForShutdownAsync(cancellationToken);
            Console.WriteLine("Orleans.Parallel silo stopped.");
            return 0;
        });
    }
}
