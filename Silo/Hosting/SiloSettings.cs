using Microsoft.Extensions.Logging;

namespace Orleans.Parallel.Hosting;

/// <summary>Everything the silo host is started with (command line, <see cref="LocalCluster"/>).</summary>
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

    /// <summary>For the "postgres" task store: the Npgsql connection string.</summary>
    public string? TaskStoreConnection { get; init; }

    /// <summary>For the "memory" task store: at most this many records (the oldest finished are culled). Default 100,000.</summary>
    public int RecordLimit { get; init; } = new Grains.Hub.Store.TaskStoreOptions().RecordLimit;

    /// <summary>Lowest level logged to the console. Default Warning.</summary>
    public LogLevel LogLevel { get; init; } = LogLevel.Warning;

    /// <summary>The task-store options these settings give.</summary>
    internal Grains.Hub.Store.TaskStoreOptions StoreOptions() =>
        new() { Kind = TaskStore, ConnectionString = TaskStoreConnection, RecordLimit = RecordLimit };

    internal void Validate()
    {
        if (Engines < 0) throw new ArgumentOutOfRangeException(nameof(Engines), Engines, "The number of engines cannot be negative.");
        foreach (var (name, port) in new[] { (nameof(SiloPort), SiloPort), (nameof(GatewayPort), GatewayPort) })
            if (port is <= 0 or > 65535) throw new ArgumentOutOfRangeException(name, port, $"{name} must be 1..65535.");
        if (SiloPort == GatewayPort) throw new ArgumentException("SiloPort and GatewayPort must differ.");
        if (BulkPort is < 0 or > 65535) throw new ArgumentOutOfRangeException(nameof(BulkPort), BulkPort, "BulkPort must be 0 (any free port) or 1..65535.");
        new Grains.Scheduling.SchedulerOptions { Scheme = Scheme, HighWaterMark = HighWaterMark }.Validate();
        StoreOptions().Validate();
        if (BulkPort == SiloPort || BulkPort == GatewayPort) throw new ArgumentException("BulkPort must differ from SiloPort and GatewayPort.");
    }
}
