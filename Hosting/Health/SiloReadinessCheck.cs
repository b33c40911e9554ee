using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Orleans.Runtime;

namespace Orleans.Parallel.Hosting.Health;

/// <summary>
/// <c>/readyz</c>: the silo is an active member of its cluster and its engines are started and listed
/// in the registry, so a client that connects now can use them. A load balancer or Kubernetes Service
/// sends clients only to ready silos; a silo that is stopping stops being ready first.
/// </summary>
internal sealed class SiloReadinessCheck(ISiloStatusOracle membership, EngineHost engines, IHostApplicationLifetime lifetime) : IHealthCheck
{
    public const string Tag = "ready";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>
        {
            ["silo"] = membership.SiloName,
            ["status"] = membership.CurrentStatus.ToString(),
            ["engines"] = engines.EngineIds.Count,
        };
        var result = lifetime.ApplicationStopping.IsCancellationRequested ? HealthCheckResult.Unhealthy("The silo is stopping.", data: data)
            : membership.CurrentStatus != SiloStatus.Active ? HealthCheckResult.Unhealthy($"The silo is {membership.CurrentStatus}, not an active member of its cluster yet.", data: data)
            : !engines.Started ? HealthCheckResult.Unhealthy("The silo's engines are not started and listed yet.", data: data)
            : HealthCheckResult.Healthy($"Active, with {engines.EngineIds.Count} engines.", data);
        return Task.FromResult(result);
    }
}
