using Orleans.Parallel.Cli.Clusters;
using Orleans.Parallel.Hub;

namespace Orleans.Parallel.Cli.Commands;

/// <summary>
/// What <c>opx status</c> says, as data: the tables are drawn from it and <c>--json</c> writes it,
/// so a script reads the same facts a person sees.
/// </summary>
/// <param name="Cluster">The cluster's files and the process <c>opx start</c> runs for it.</param>
/// <param name="Silos">The active silos.</param>
/// <param name="Engines">Every engine, by id.</param>
/// <param name="Unassigned">Load-balanced tasks no engine has taken yet.</param>
/// <param name="TaskStore">Where task records are kept; records and pending are null when none are.</param>
internal sealed record StatusReport(
    StatusReport.ClusterFacts Cluster,
    IReadOnlyList<StatusReport.SiloFacts> Silos,
    IReadOnlyList<StatusReport.EngineFacts> Engines,
    int Unassigned,
    StatusReport.StoreFacts TaskStore)
{
    /// <param name="Id">The cluster id the connection file names.</param>
    /// <param name="ConnectionFile">Its path.</param>
    /// <param name="Gateways">The gateways it lists.</param>
    /// <param name="StartedBy">The <c>opx start</c> process that hosts it, if it was started so.</param>
    internal sealed record ClusterFacts(string? Id, string ConnectionFile, IReadOnlyList<string> Gateways, StartFacts? StartedBy);

    /// <param name="Pid">The process.</param>
    /// <param name="Running">Whether it still runs.</param>
    /// <param name="Daemon">Whether it runs in the background.</param>
    /// <param name="Log">Where it writes, when it is a daemon.</param>
    internal sealed record StartFacts(int Pid, bool Running, bool Daemon, string? Log);

    internal sealed record SiloFacts(string Name, string Address, string Host, DateTime Started, IReadOnlyList<int> EngineIds);

    /// <param name="Id">The engine id.</param>
    /// <param name="Silo">The silo hosting it; null when no active silo lists it.</param>
    /// <param name="Busy">Whether it runs a task now.</param>
    /// <param name="Running">The task it runs.</param>
    /// <param name="Queued">Tasks waiting on it.</param>
    /// <param name="Completed">Tasks it has run.</param>
    internal sealed record EngineFacts(int Id, string? Silo, bool Busy, Guid? Running, int Queued, long Completed);

    internal sealed record StoreFacts(string Kind, int? Records, int? Pending);

    /// <summary>The report of <paramref name="status"/>, for the cluster at <paramref name="location"/>.</summary>
    public static StatusReport From(ClusterStatus status, ClusterLocation location)
    {
        Security.ConnectionFile? file = null;
        try
        {
            file = Security.ConnectionFile.Read(location.ConnectionFile);
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            // Removed or rewritten since connecting: the cluster answered all the same.
        }
        var started = StartedCluster.TryRead(location) is { } s ? new StartFacts(s.Pid, s.IsRunning(), s.Daemon, s.Log) : null;
        var cluster = new ClusterFacts(file?.ClusterId ?? location.ClusterId, location.ConnectionFile, file?.Gateways ?? [], started);

        var siloOf = new Dictionary<int, string>();
        foreach (var silo in status.Silos)
            foreach (var id in silo.EngineIds) siloOf[id] = silo.Name;
        var silos = status.Silos
            .Select(x => new SiloFacts(x.Name, x.Address, x.HostName, CommandOutput.Utc(x.Started)!.Value, x.EngineIds))
            .ToArray();
        var engines = status.Queues.Engines
            .OrderBy(e => e.EngineId)
            .Select(e => new EngineFacts(e.EngineId, siloOf.GetValueOrDefault(e.EngineId), e.Running is not null, e.Running, e.QueueLength, e.Completed))
            .ToArray();
        var store = new StoreFacts(status.TaskStore.Kind, status.TaskStore.Records, status.TaskStore.Pending);
        return new StatusReport(cluster, silos, engines, status.Queues.UnassignedCount, store);
    }
}
