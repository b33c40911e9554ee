using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Orleans.Parallel.Hosting.Health;

/// <summary>
/// <c>/healthz</c>: the process answers, its thread pool runs work, and it has not begun to stop. A
/// liveness probe that fails gets the container restarted, so this says nothing of the cluster: a silo
/// waiting for its clustering store is alive, only not ready.
/// </summary>
internal sealed class SiloLivenessCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    /// <summary>Long enough for a loaded machine; a pool that cannot run a work item within it is stuck.</summary>
    private static readonly TimeSpan PoolPatience = TimeSpan.FromSeconds(5);

    public const string Tag = "live";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested) return HealthCheckResult.Unhealthy("The silo is stopping.");
        try
        {
            // Engines' code runs on threads of their own; Orleans' turns and messages run on the pool.
            await Task.Run(() => { }, cancellationToken).WaitAsync(PoolPatience, cancellationToken);
        }
        catch (TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"The thread pool ran no work item within {PoolPatience.TotalSeconds:0} s.");
        }
        return HealthCheckResult.Healthy();
    }
}
