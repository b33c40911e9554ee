using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Runtime;

namespace Orleans.Parallel.Hosting;

/// <summary>Builds the silo host: its clustering (<see cref="SiloMembership"/>), engines, scheduler, hub, quiet logs (no false start-up warnings).</summary>
public static class SiloHostFactory
{
    /// <summary>A host (not yet started) for one silo with <paramref name="settings"/>.</summary>
    public static IHost Create(SiloSettings settings, string[]? args = null) => Create(settings, SiloCredentials.Resolve(Validated(settings)), args);

    private static SiloSettings Validated(SiloSettings settings)
    {
        settings.Validate();
        return settings;
    }

    /// <summary>A host (not yet started) for one silo with <paramref name="settings"/>, secured as <paramref name="credentials"/> say.</summary>
    internal static IHost Create(SiloSettings settings, SiloCredentials.Resolved credentials, string[]? args = null)
    {
        settings.Validate();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, DisableDefaults = true });
        builder.Logging.SetMinimumLevel(settings.LogLevel);
        if (settings.LogFormat == SiloSettings.JsonLogs)
            // One object a line, UTC timestamps, as log collectors (Loki, Elastic, Azure Monitor) read them.
            builder.Logging.AddJsonConsole(o => (o.TimestampFormat, o.UseUtcTimestamp, o.IncludeScopes) = ("yyyy-MM-ddTHH:mm:ss.fffZ", true, true));
        else builder.Logging.AddConsole();
        FalseWarningFilter.Install(builder.Services);
        AddHealth(builder.Services, settings);
        SiloTelemetry.AddExport(builder, settings);
        builder.UseOrleans(silo =>
        {
            // Orleans' own spans of grain calls join the traces of the tasks that make them.
            silo.AddActivityPropagation();
            if (settings.DashboardPort is not null) SiloDashboard.Add(silo);
            SiloMembership.Configure(silo, settings);
            silo.UseClusterSecurity(credentials.Security);
            silo.Services.AddSingleton(new ConnectionFilePublisher(settings, credentials));
            silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<ConnectionFilePublisher>());
            // Set after UseLocalhostClustering, whose own cluster and service ids do not survive the host builder's defaults.
            silo.Services.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = settings.ClusterId;
                o.ServiceId = settings.ServiceId;
            });
            silo.AddParallelEngines(o => (o.Engines, o.Isolation, o.EngineMemoryLimit, o.TaskCpuLimit) =
                (settings.Engines, settings.Isolation, settings.EngineMemoryBytes(), settings.TaskCpuLimit));
            silo.AddParallelScheduler(o =>
            {
                o.Scheme = settings.Scheme;
                o.HighWaterMark = settings.HighWaterMark;
            });
            silo.AddParallelHub(o =>
            {
                var store = settings.StoreOptions();
                (o.Kind, o.ConnectionString, o.RecordLimit, o.CullFraction) = (store.Kind, store.ConnectionString, store.RecordLimit, store.CullFraction);
            });
            silo.Services.Configure<Grains.Bulk.BulkOptions>(o =>
            {
                o.Port = settings.BulkPort;
                var told = settings.AdvertisedBulkEndpoint();
                o.AdvertisedHost = told?.Host;
                o.AdvertisedPort = told?.Port;
            });
        });
        // After the silo's own hosted service, so the dashboard's page opens on a running silo.
        if (settings.DashboardPort is not null)
        {
            builder.Services.AddSingleton<SiloDashboard>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<SiloDashboard>());
        }
        return builder.Build();
    }

    /// <summary>
    /// The health checks, and the endpoint that serves them when <see cref="SiloSettings.HealthPort"/> is
    /// set. Registered before the silo, so the endpoint answers (alive, not ready) while the silo starts.
    /// </summary>
    private static void AddHealth(IServiceCollection services, SiloSettings settings)
    {
        services.AddHealthChecks()
            .AddCheck<Health.SiloLivenessCheck>("alive", tags: [Health.SiloLivenessCheck.Tag])
            .AddCheck<Health.SiloReadinessCheck>("ready", tags: [Health.SiloReadinessCheck.Tag]);
        services.AddSingleton(settings);
        services.AddSingleton<Health.HealthEndpoint>();
        services.AddHostedService(sp => sp.GetRequiredService<Health.HealthEndpoint>());
    }
}
