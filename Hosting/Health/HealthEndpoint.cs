using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Orleans.Parallel.Hosting.Health;

/// <summary>
/// The silo's health port (<c>--health-port</c>): plain HTTP for container and Kubernetes probes,
/// <c>GET /healthz</c> (alive) and <c>GET /readyz</c> (in the cluster, engines listed), 200 when healthy
/// and 503 when not, with a small JSON body saying why. It starts before the silo, so a probe gets an
/// answer (alive, not ready) while the silo joins its cluster. It serves no data and takes no input;
/// it listens where the silo does. A Kestrel app of its own, beside the silo's host, so that the silo's
/// host stays a plain generic host.
/// </summary>
internal sealed partial class HealthEndpoint(SiloSettings settings, HealthCheckService checks, ILogger<HealthEndpoint> logger) : IHostedService, IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private WebApplication? _app;

    /// <summary>The port it listens on (the one asked for, or the one the system chose for 0); null until started.</summary>
    public int? Port { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (settings.HealthPort is not { } port) return;
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "Orleans.Parallel.Silo.Health" });
        builder.Logging.ClearProviders(); // the silo logs; a probe every few seconds would only add noise
        var address = settings.ListenAny ? IPAddress.Any : settings.ResolvedAddress();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(address, port));
        var app = builder.Build();
        app.MapGet("/healthz", (HttpContext http) => AnswerAsync(http, SiloLivenessCheck.Tag));
        app.MapGet("/readyz", (HttpContext http) => AnswerAsync(http, SiloReadinessCheck.Tag));
        await app.StartAsync(cancellationToken);
        _app = app;
        Port = new Uri(app.Urls.First()).Port;
        LogListening(logger, address.ToString(), Port.Value);
    }

    private async Task AnswerAsync(HttpContext http, string tag)
    {
        var report = await checks.CheckHealthAsync(c => c.Tags.Contains(tag), http.RequestAborted);
        http.Response.StatusCode = report.Status == HealthStatus.Healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        http.Response.Headers.CacheControl = "no-store";
        await http.Response.WriteAsJsonAsync(new HealthAnswer(
            report.Status.ToString(),
            report.Entries.ToDictionary(e => e.Key, e => new HealthEntry(e.Value.Status.ToString(), e.Value.Description,
                e.Value.Data.Count == 0 ? null : e.Value.Data.ToDictionary(d => d.Key, d => d.Value.ToString())))),
            Json, http.RequestAborted);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null) await _app.StopAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Health endpoint on http://{Address}:{Port} (/healthz, /readyz)")]
    private static partial void LogListening(ILogger logger, string address, int port);
}

/// <summary>The body of a health answer: the overall status and each check's.</summary>
internal sealed record HealthAnswer(string Status, IReadOnlyDictionary<string, HealthEntry> Checks);

/// <summary>One check's status, why, and what it looked at.</summary>
internal sealed record HealthEntry(string Status, string? Description, IReadOnlyDictionary<string, string?>? Data);
