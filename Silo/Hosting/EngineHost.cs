using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Parallel.Engine;
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
    Grains.Registry.LocalEngines local,
    ILogger<EngineHost> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>The ids of the engines this silo started.</summary>
    public IReadOnlyList<int> EngineIds { get; private set; } = [];

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(EngineHost), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        options.Value.Validate();
        var ids = new List<int>();
        for (var i = 0; i < options.Value.Engines; i++)
        {
            var engine = grains.GetGrain<IEngineGrain>(Guid.NewGuid());
            ids.Add(await engine.StartAsync(silo.Name));
        }
        EngineIds = ids;
        LogStarted(logger, ids.Count, silo.Name);
        if (options.Value.WarmUpScripts && ids.Count > 0) _ = Task.Run(scripts.WarmUp, CancellationToken.None);
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            // Every engine running here now, including incarnations that replaced interrupted ones.
            await Task.WhenAll(local.All.Select(e => grains.GetGrain<IEngineGrain>(e.Incarnation).StopAsync())).WaitAsync(cancellationToken);
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
