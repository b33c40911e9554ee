using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orleans.Parallel.Telemetry;

namespace Orleans.Parallel.Hosting;

/// <summary>
/// OpenTelemetry export from the silo: when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, the task traces
/// (<see cref="ParallelTelemetry"/>, with Orleans' spans of application grain calls) and the task figures (the
/// <see cref="ParallelTelemetry.Name"/> meter, with Orleans' own) go there over OTLP. Everything else
/// follows the standard OTEL_* variables: OTEL_EXPORTER_OTLP_PROTOCOL (grpc, or http/protobuf),
/// OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES, OTEL_METRIC_EXPORT_INTERVAL, OTEL_BSP_SCHEDULE_DELAY.
/// </summary>
internal static class SiloTelemetry
{
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The service name when OTEL_SERVICE_NAME does not give one.</summary>
    public const string DefaultServiceName = "orleans-parallel-silo";

    public static bool Enabled => Environment.GetEnvironmentVariable(EndpointVariable) is { Length: > 0 };

    public static void AddExport(HostApplicationBuilder builder, SiloSettings settings)
    {
        if (!Enabled) return;
        // The SDK reads its OTEL_* settings from the host's configuration, which the silo builds without
        // the environment (its own settings come from OP_* alone): give it those variables only.
        builder.Configuration.AddInMemoryCollection(Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Where(e => ((string)e.Key).StartsWith("OTEL_", StringComparison.Ordinal))
            .Select(e => new KeyValuePair<string, string?>((string)e.Key, (string?)e.Value)));
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                if (Environment.GetEnvironmentVariable("OTEL_SERVICE_NAME") is not { Length: > 0 })
                    resource.AddService(DefaultServiceName, serviceInstanceId: $"{Environment.MachineName}:{settings.SiloPort}");
                resource.AddAttributes([new("orleans.cluster_id", settings.ClusterId), new("orleans.service_id", settings.ServiceId)]);
            })
            .WithTracing(tracing => tracing
                .AddSource(ParallelTelemetry.Name, "Microsoft.Orleans.Application") // not Orleans.Runtime: its membership and system calls are constant noise
                .AddOtlpExporter())
            .WithMetrics(metrics => metrics
                .AddMeter(ParallelTelemetry.Name, "Microsoft.Orleans")
                .AddOtlpExporter());
    }
}
