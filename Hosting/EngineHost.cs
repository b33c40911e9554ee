using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Parallel.Engine;
using Orleans.Parallel.Registry;
using Orleans.Runtime;

namespace Orleans.Parallel.Hosting;

/// <summary>
/// Starts this silo's engines once the silo is active (so they are placed here) and stops them
/// first when it shuts down, so they leave the registry cleanly.
/// </summary>
internal sealed partial class EngineHost(
    IGrainFactory grains,
    ILocalSiloDetails silo,
    IOptions<EngineOptions> options,
    Grains.Execution.Scripts.ScriptCompiler scripts,
    Grains.Isolation.EngineProcesses processes,
    Grains.Registry.LocalEngines local,
    ILogger<EngineHost> logger,
    Security.ClusterSecurity? security = null) : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>The ids of the engines this silo started.</summary>
    public IReadOnlyList<int> EngineIds { get; private set; } = [];

    /// <summary>Whether this silo's engines are started and listed in the registry (and not yet stopping): the silo is ready for clients.</summary>
    public bool Started { get; private set; }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(EngineHost), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    /// <summary>How many engines start at once: enough to keep both cores busy, few enough not to flood the silo's queues.</summary>
    private const int StartingAtOnce = 64;

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        options.Value.Validate();
        // Engines run whatever code a client sends: the silo must have said who may connect.
        if (security is null)
            throw new InvalidOperationException(
                "This silo hosts engines but was not told how it is secured: call siloBuilder.UseClusterSecurity(ClusterSecurity.Secure(credential)) " +
                "so only holders of the cluster credential connect (ClusterCredential.Generate or FromPem), or UseClusterSecurity(ClusterSecurity.Insecure) " +
                "to let in anyone who reaches its ports.");
        var count = options.Value.Engines;
        EngineEntry[] started = [];
        if (count > 0)
        {
            // Ids first, in one call; then the engines come to life here, many at a time; then the
            // registry lists them all in one change (clients see them appear together).
            var registry = grains.GetGrain<IEngineRegistryGrain>(0);
            var first = await registry.ReserveIdsAsync(count, silo.SiloAddress.ToParsableString());
            started = new EngineEntry[count];
            await System.Threading.Tasks.Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = StartingAtOnce, CancellationToken = cancellationToken },
                async (i, _) => started[i] = await grains.GetGrain<IEngineGrain>(Guid.NewGuid()).StartAsync(silo.Name, first + i));
            await registry.ListAsync(started);
        }
        EngineIds = [.. started.Select(e => e.EngineId)];
        Started = true;
        LogStarted(logger, count, silo.Name);
        // Isolated engines compile in their own processes, which warm up instead: the silo's compiler
        // would warm up for nothing (seconds of compiling Roslyn itself, taken from the engines' processes).
        if (options.Value.WarmUpScripts && count > 0)
        {
            if (processes.Enabled) processes.WarmUp();
            else _ = Task.Run(scripts.WarmUp, CancellationToken.None);
        }
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        Started = false;
        // Every engine running here now, including incarnations that replaced interrupted ones.
        var running = local.All;
        try
        {
            await Task.WhenAll(running.Select(e => grains.GetGrain<IEngineGrain>(e.Incarnation).StopAsync())).WaitAsync(cancellationToken);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException or OrleansException)
        {
            LogStopFailed(logger, e);
        }
        try
        {
            // Then they leave the registry, in one change rather than one write of the list per engine.
            await grains.GetGrain<IEngineRegistryGrain>(0).UnregisterAsync([.. running.Select(e => e.EngineId)]).WaitAsync(cancellationToken);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException or OrleansException)
        {
            LogStopFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Started {Count} engines on {Silo}")]
    private static partial void LogStarted(ILogger logger, int count, string silo);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Engines did not all stop cleanly")]
    private static partial void LogStopFailed(ILogger logger, Exception e);
}
