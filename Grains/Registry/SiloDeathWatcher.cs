using Microsoft.Extensions.Logging;
using Orleans.Parallel.Registry;
using Orleans.Runtime;

namespace Orleans.Parallel.Grains.Registry;

/// <summary>
/// Tells the engine registry when Orleans' membership declares a silo dead, so the dead silo's
/// engines leave every client's <c>Ids</c> (and their pending tasks fail or retry) as soon as the
/// cluster knows. Every silo runs one; the registry takes each report once. After a death the silo
/// also reports its own engines, which a registry re-activated without its stored list needs.
/// </summary>
public sealed partial class SiloDeathWatcher(
    IClusterMembershipService membership,
    IGrainFactory grains,
    LocalEngines local,
    ILogger<SiloDeathWatcher> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>How long a report keeps being retried (the registry may be moving off the dead silo).</summary>
    private static readonly TimeSpan ReportFor = TimeSpan.FromSeconds(60);

    private readonly CancellationTokenSource _stop = new();
    private readonly HashSet<SiloAddress> _reported = [];

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SiloDeathWatcher), ServiceLifecycleStage.Active,
            starting =>
            {
                _ = Task.Run(WatchAsync, CancellationToken.None);
                return Task.CompletedTask;
            },
            stopping => _stop.CancelAsync());

    private async Task WatchAsync()
    {
        try
        {
            var first = true;
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(_stop.Token))
            {
                var dead = snapshot.Members.Values
                    .Where(m => m.Status == SiloStatus.Dead && _reported.Add(m.SiloAddress))
                    .Select(m => m.SiloAddress.ToParsableString())
                    .ToArray();
                // Deaths the table held before this silo joined were reported by the silos then alive.
                if (dead.Length > 0 && !first) await ReportAsync(dead);
                first = false;
            }
        }
        catch (OperationCanceledException) { }
        catch (Exception e) { LogWatchFailed(logger, e); }
    }

    private async Task ReportAsync(string[] dead)
    {
        var registry = grains.GetGrain<IEngineRegistryGrain>(0);
        var deadline = DateTime.UtcNow + ReportFor;
        var delay = TimeSpan.FromMilliseconds(100);
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await registry.SilosDiedAsync(dead);
                var mine = local.All;
                if (mine.Count > 0) await registry.EnsureAsync(mine);
                return;
            }
            catch (Exception e) when (DateTime.UtcNow < deadline)
            {
                LogReportRetry(logger, e.Message);
                await Task.Delay(delay, _stop.Token);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 2_000));
            }
            catch (Exception e)
            {
                LogReportFailed(logger, e, string.Join(", ", dead));
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "The registry could not take a silo's death yet ({Reason}); trying again")]
    private static partial void LogReportRetry(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "The engine registry was not told that silo(s) {Silos} died")]
    private static partial void LogReportFailed(ILogger logger, Exception exception, string silos);

    [LoggerMessage(Level = LogLevel.Error, Message = "Watching the cluster's membership failed; dead silos' engines will not leave the registry")]
    private static partial void LogWatchFailed(ILogger logger, Exception exception);
}
