using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Orleans.Parallel.Hosting;

/// <summary>
/// Everything the silo host is started with: from the command line, whose defaults come from the
/// environment (<c>OP_ENGINES</c>, <c>OP_CLUSTERING</c>, …) and the "Silo" section of an
/// appsettings.json in the working directory (<see cref="FromConfiguration"/>), or from <see cref="LocalCluster"/>.
/// </summary>
public sealed record SiloSettings
{
    /// <summary>Engines this silo hosts. Default: the processor count.</summary>
    public int Engines { get; init; } = Environment.ProcessorCount;

    /// <summary>Silo-to-silo port on loopback. Default 11111.</summary>
    public int SiloPort { get; init; } = 11111;

    /// <summary>Client gateway port on loopback. Default 30000.</summary>
    public int GatewayPort { get; init; } = 30000;

    /// <summary>Port of the bulk listener that carries large arrays beside Orleans. Default 0: a free port, which clients learn from the cluster.</summary>
    public int BulkPort { get; init; }

    /// <summary>
    /// The health port: plain HTTP answering <c>/healthz</c> (alive) and <c>/readyz</c> (in the cluster,
    /// engines listed), for container and Kubernetes probes. Null (the default): none; 0: any free port.
    /// </summary>
    public int? HealthPort { get; init; }

    /// <summary>
    /// The Orleans Dashboard's HTTP port (its grains, silos and call rates, read-only, without
    /// authentication: it listens on <see cref="Address"/> as the other ports do). Null (the default): none; 0: any free port.
    /// </summary>
    public int? DashboardPort { get; init; }

    /// <summary>
    /// How silos find each other: "localhost" (default: silos on this machine, the one on
    /// <see cref="PrimarySiloPort"/> holding the membership table), "redis" or "azure" (the table in
    /// a Redis server or Azure Table storage, <see cref="ClusteringConnection"/>).
    /// </summary>
    public string Clustering { get; init; } = ClusterMembership.Localhost;

    /// <summary>
    /// For "redis": the server's address ("host:port"); for "azure": a storage connection string. One
    /// with a password is better given by <see cref="ClusteringConnectionFile"/> or <c>OP_CLUSTERINGCONNECTION</c>,
    /// which do not show in the process list. Never logged.
    /// </summary>
    public string? ClusteringConnection { get; init; }

    /// <summary>A file holding <see cref="ClusteringConnection"/> (its first line), so a password stays out of the command line.</summary>
    public string? ClusteringConnectionFile { get; init; }

    /// <summary>For "localhost" clustering of several silos: the silo port of the first one (default: this silo's own, so it is the first).</summary>
    public int? PrimarySiloPort { get; init; }

    /// <summary>
    /// The address this silo listens on and tells others (default 127.0.0.1; another silo's machine must
    /// reach it): an IP address, or a host name resolved once at start (<see cref="ResolvedAddress"/>), such
    /// as a container's own name, whose address is only known when it runs.
    /// </summary>
    public string Address { get; init; } = "127.0.0.1";

    /// <summary>
    /// The bulk endpoint clients are told, "IP:port", when they reach the bulk port through a translated
    /// address (a container's port published on the host: "127.0.0.1:30101"). Default null: this silo's
    /// own address and bulk port. Silos never use it; it is for clients alone.
    /// </summary>
    public string? BulkEndpoint { get; init; }

    /// <summary>
    /// Listen on every interface (still telling others <see cref="Address"/>), for a machine whose
    /// own address is translated (NAT, a container's published ports). Off: the silo, gateway and bulk
    /// ports listen on <see cref="Address"/> alone.
    /// </summary>
    public bool ListenAny { get; init; }

    /// <summary>
    /// Orleans' initial liveness-probe timeout: how quickly a silo that stops answering (killed, or its
    /// machine gone) is declared dead. Its engines leave every client's <c>Ids</c>, and their pending
    /// tasks fail or retry, within about three of these plus two seconds. Default 2 s, for a bound
    /// of about 8 s (Orleans' own default is 5 s); shorter risks declaring a silo dead during a long pause.
    /// </summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Orleans cluster id. Default "dev".</summary>
    public string ClusterId { get; init; } = "dev";

    /// <summary>Orleans service id. Default "dev".</summary>
    public string ServiceId { get; init; } = "dev";

    /// <summary>How load-balanced tasks pick an engine: leastload (default), lru, plainrandom, twobin or weighted.</summary>
    public string Scheme { get; init; } = Grains.Scheduling.Schemes.SchedulingSchemes.Default;

    /// <summary>At most this many load-balanced tasks outstanding per engine. Default 1; 0 means no limit.</summary>
    public int HighWaterMark { get; init; } = 1;

    /// <summary>Where task records are kept: "memory" (default), "postgres" or "none".</summary>
    public string TaskStore { get; init; } = Grains.Hub.Store.TaskStoreOptions.Memory;

    /// <summary>For the "postgres" task store: the Npgsql connection string (better from <see cref="TaskStoreConnectionFile"/> or <c>OP_TASKSTORECONNECTION</c> when it holds a password). Never logged.</summary>
    public string? TaskStoreConnection { get; init; }

    /// <summary>A file holding <see cref="TaskStoreConnection"/> (its first line).</summary>
    public string? TaskStoreConnectionFile { get; init; }

    /// <summary>
    /// Turn security off: no TLS, no credential, on every port. Anyone who reaches them can run code as
    /// this silo's user. Default off: mutual TLS with the cluster credential (<see cref="Credential"/>).
    /// </summary>
    public bool Insecure { get; init; }

    /// <summary>
    /// The cluster credential: a PEM file (certificate and private key) or a connection file. Default:
    /// <see cref="CredentialPem"/> if set, else the connection file of <see cref="ClusterId"/> in this user's
    /// folder, else a new credential (the first silo of a new cluster), written there.
    /// </summary>
    public string? Credential { get; init; }

    /// <summary>The cluster credential's PEM text itself (<c>OP_CREDENTIALPEM</c>: a container's or Kubernetes secret).</summary>
    public string? CredentialPem { get; init; }

    /// <summary>A PEM file of further certificates this silo accepts from peers, for a change of credential (README, "Security").</summary>
    public string? Trust { get; init; }

    /// <summary>The security a host made itself (<see cref="LocalCluster"/>): when set, the settings above are not consulted and no connection file is written.</summary>
    public Security.ClusterSecurity? Security { get; init; }

    /// <summary>For the "memory" task store: at most this many records (the oldest finished are culled). Default 100,000.</summary>
    public int RecordLimit { get; init; } = new Grains.Hub.Store.TaskStoreOptions().RecordLimit;

    /// <summary>
    /// For the "memory" task store: when a limit is passed, the oldest finished records are culled
    /// until the store is this share under it (ipyparallel's <c>DictDB.cull_fraction</c>). Default 0.1.
    /// </summary>
    public double RecordCullFraction { get; init; } = new Grains.Hub.Store.TaskStoreOptions().CullFraction;

    /// <summary>Lowest level logged to the console. Default Warning.</summary>
    public LogLevel LogLevel { get; init; } = LogLevel.Warning;

    /// <summary>The log formats: "text" (default, for people) and "json" (one JSON object a line, for log collectors).</summary>
    public const string TextLogs = "text", JsonLogs = "json";

    /// <summary>How logs are written to the console: <see cref="TextLogs"/> (default) or <see cref="JsonLogs"/>.</summary>
    public string LogFormat { get; init; } = TextLogs;

    /// <summary>
    /// The GC heap hard limit a silo process sets for itself (the <c>orleans-parallel-silo</c> tool
    /// and <c>opx start</c>; a <see cref="LocalCluster"/> leaves its host program's GC alone):
    /// "auto" (default: 75% of the machine's memory, or the runtime's own limit in a container with a
    /// memory limit), "none", a share ("60%") or a size ("8GiB"). Under it a task that allocates
    /// without end fails with <see cref="OutOfMemoryException"/> instead of the kernel killing the silo.
    /// </summary>
    public string HeapLimit { get; init; } = Hosting.HeapLimit.Auto;

    /// <summary>
    /// Where the engines run user code: in the silo (<see cref="EngineIsolation.InProcess"/>, the default)
    /// or each in a process of its own (<see cref="EngineIsolation.Process"/>; <c>--isolation process</c>).
    /// </summary>
    public EngineIsolation Isolation { get; init; } = EngineIsolation.InProcess;

    /// <summary>
    /// With isolated engines: the GC heap hard limit of each engine's process, a size ("2GiB") or a
    /// share of the machine's memory ("10%"); null or "none" for no limit of its own.
    /// </summary>
    public string? EngineMemoryLimit { get; init; }

    /// <summary>With isolated engines: the most processor time one task may use before its process is killed; null for no limit.</summary>
    public TimeSpan? TaskCpuLimit { get; init; }

    /// <summary><see cref="EngineMemoryLimit"/> in bytes; null for none.</summary>
    /// <exception cref="ArgumentException">It is not a size, a share or "none".</exception>
    internal long? EngineMemoryBytes()
    {
        if (EngineMemoryLimit is null || EngineMemoryLimit.Trim().Equals(Hosting.HeapLimit.None, StringComparison.OrdinalIgnoreCase)) return null;
        if (EngineMemoryLimit.Trim().Equals(Hosting.HeapLimit.Auto, StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException("EngineMemoryLimit takes a size (2GiB), a share of the machine's memory (10%) or none; 'auto' is for the silo's own heap limit.", nameof(EngineMemoryLimit));
        var (fraction, bytes) = Hosting.HeapLimit.Parse(EngineMemoryLimit);
        return bytes ?? (long)(fraction!.Value * GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
    }

    /// <summary>
    /// Settings from configuration: the "Silo" section of appsettings.json in the working directory,
    /// then environment variables prefixed <c>OP_</c> (property names, any case: <c>OP_CLUSTERING=redis</c>).
    /// What is not set keeps its default; the command line overrides both.
    /// </summary>
    public static SiloSettings FromConfiguration(Microsoft.Extensions.Configuration.IConfiguration? configuration = null)
    {
        configuration ??= new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .SetBasePath(Directory.GetCurrentDirectory())
            .AddJsonFile("appsettings.json", optional: true)
            .AddAspireOrleans() // an Aspire app host's Orleans__* variables; OP_* ones win over them
            .AddEnvironmentVariables("OP_")
            .Build();
        var settings = new SiloSettings();
        try
        {
            configuration.GetSection("Silo").Bind(settings); // the file
            configuration.Bind(settings); // the environment, over it
        }
        catch (InvalidOperationException e)
        {
            throw new ArgumentException($"A silo setting from appsettings.json (section \"Silo\") or an OP_* environment variable is not valid: {e.Message}", nameof(configuration), e);
        }
        return settings;
    }

    /// <summary>The task-store options these settings give.</summary>
    internal Grains.Hub.Store.TaskStoreOptions StoreOptions() =>
        new() { Kind = TaskStore, ConnectionString = FromFileOr(TaskStoreConnectionFile, TaskStoreConnection, nameof(TaskStoreConnectionFile)), RecordLimit = RecordLimit, CullFraction = RecordCullFraction };

    /// <summary>The clustering connection: from <see cref="ClusteringConnectionFile"/> when given, else <see cref="ClusteringConnection"/>.</summary>
    internal string? ResolvedClusteringConnection() => FromFileOr(ClusteringConnectionFile, ClusteringConnection, nameof(ClusteringConnectionFile));

    private static string? FromFileOr(string? file, string? value, string name)
    {
        if (string.IsNullOrEmpty(file)) return value;
        if (value is not null) throw new ArgumentException($"{name} and the connection it holds are both given: choose one.", name);
        if (!File.Exists(file)) throw new ArgumentException($"{name}: there is no file at {Path.GetFullPath(file)}.", name);
        return File.ReadLines(file).FirstOrDefault(l => l.Trim().Length > 0)?.Trim()
            ?? throw new ArgumentException($"{name}: {Path.GetFullPath(file)} is empty.", name);
    }

    internal void Validate()
    {
        Hosting.HeapLimit.Parse(HeapLimit);
        var engineMemory = EngineMemoryBytes();
        new EngineOptions { Engines = Engines, Isolation = Isolation, EngineMemoryLimit = engineMemory, TaskCpuLimit = TaskCpuLimit }.Validate();
        if (Engines < 0) throw new ArgumentOutOfRangeException(nameof(Engines), Engines, "The number of engines cannot be negative.");
        foreach (var (name, port) in new[] { (nameof(SiloPort), SiloPort), (nameof(GatewayPort), GatewayPort) })
            if (port is <= 0 or > 65535) throw new ArgumentOutOfRangeException(name, port, $"{name} must be 1..65535.");
        if (SiloPort == GatewayPort) throw new ArgumentException("SiloPort and GatewayPort must differ.");
        ClusterMembership.Validate(Clustering, ResolvedClusteringConnection(), nameof(Clustering), nameof(ClusteringConnection));
        if (Insecure && (Credential is not null || CredentialPem is not null || Security is { IsInsecure: false }))
            throw new ArgumentException("--insecure and a credential are both given: choose one.", nameof(Insecure));
        if (PrimarySiloPort is { } primary && (primary is <= 0 or > 65535))
            throw new ArgumentOutOfRangeException(nameof(PrimarySiloPort), primary, "PrimarySiloPort must be 1..65535.");
        if (PrimarySiloPort is not null && Clustering != ClusterMembership.Localhost)
            throw new ArgumentException($"PrimarySiloPort is for localhost clustering only; with '{Clustering}' silos find each other in the membership table.", nameof(PrimarySiloPort));
        var address = ResolvedAddress();
        if (Clustering == ClusterMembership.Localhost && (!System.Net.IPAddress.IsLoopback(address) || ListenAny))
            throw new ArgumentException(
                $"Localhost clustering keeps every silo on 127.0.0.1, so --address {Address}{(ListenAny ? " and --listen-any" : "")} would be ignored; " +
                "for silos on several machines use --clustering redis or azure.", nameof(Address));
        if (ProbeTimeout < TimeSpan.FromMilliseconds(200) || ProbeTimeout > TimeSpan.FromMinutes(1))
            throw new ArgumentOutOfRangeException(nameof(ProbeTimeout), ProbeTimeout, "ProbeTimeout must be between 0.2 and 60 seconds.");
        if (LogFormat is not (TextLogs or JsonLogs))
            throw new ArgumentException($"Unknown log format '{LogFormat}'; use '{TextLogs}' or '{JsonLogs}'.", nameof(LogFormat));
        if (DashboardPort is < 0 or > 65535) throw new ArgumentOutOfRangeException(nameof(DashboardPort), DashboardPort, "DashboardPort must be 0 (any free port) or 1..65535.");
        if (HealthPort is < 0 or > 65535) throw new ArgumentOutOfRangeException(nameof(HealthPort), HealthPort, "HealthPort must be 0 (any free port) or 1..65535.");
        if (BulkPort is < 0 or > 65535) throw new ArgumentOutOfRangeException(nameof(BulkPort), BulkPort, "BulkPort must be 0 (any free port) or 1..65535.");
        new Grains.Scheduling.SchedulerOptions { Scheme = Scheme, HighWaterMark = HighWaterMark }.Validate();
        StoreOptions().Validate();
        if (BulkPort == SiloPort || BulkPort == GatewayPort) throw new ArgumentException("BulkPort must differ from SiloPort and GatewayPort.");
        AdvertisedBulkEndpoint();
    }

    /// <summary>
    /// <see cref="Address"/> as an IP address: itself, or what the host name resolves to (an IPv4 address
    /// first: Orleans' silos and the bulk clients speak to one address per silo).
    /// </summary>
    /// <exception cref="ArgumentException">It is neither an IP address nor a name this machine resolves.</exception>
    public System.Net.IPAddress ResolvedAddress()
    {
        // Resolved once: the silo listens, advertises and prints from here, and a name with several
        // records may come back in another order next time.
        if (_resolved is { } known && known.Name == Address) return known.Address;
        var address = Resolve();
        _resolved = (Address, address);
        return address;
    }

    private (string Name, System.Net.IPAddress Address)? _resolved;

    private System.Net.IPAddress Resolve()
    {
        if (System.Net.IPAddress.TryParse(Address, out var ip)) return ip;
        if (string.IsNullOrWhiteSpace(Address) || Uri.CheckHostName(Address) != UriHostNameType.Dns)
            throw new ArgumentException($"Address '{Address}' is neither an IP address nor a host name: give the one other silos and clients reach this machine by.", nameof(Address));
        System.Net.IPAddress[] found;
        try
        {
            found = System.Net.Dns.GetHostAddresses(Address);
        }
        catch (System.Net.Sockets.SocketException e)
        {
            throw new ArgumentException($"Address '{Address}' is not an IP address, and as a host name it does not resolve here ({e.Message}): give the IP address, or a name this machine's resolver knows.", nameof(Address), e);
        }
        return found.FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
            ?? found.FirstOrDefault()
            ?? throw new ArgumentException($"Address '{Address}' resolves to no address here.", nameof(Address));
    }

    /// <summary><see cref="BulkEndpoint"/> as address and port; null when not set.</summary>
    /// <exception cref="ArgumentException">It is not "IP:port".</exception>
    internal (string Host, int Port)? AdvertisedBulkEndpoint()
    {
        if (string.IsNullOrEmpty(BulkEndpoint)) return null;
        var colon = BulkEndpoint.LastIndexOf(':');
        if (colon > 0 && System.Net.IPAddress.TryParse(BulkEndpoint[..colon].Trim('[', ']'), out var ip) && int.TryParse(BulkEndpoint[(colon + 1)..], out var port) && port is > 0 and <= 65535)
            return (ip.ToString(), port);
        throw new ArgumentException($"BulkEndpoint '{BulkEndpoint}' is not \"IP:port\" (for example 127.0.0.1:30101, where a container's bulk port is published).", nameof(BulkEndpoint));
    }
}
