using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;

namespace Orleans.Parallel.Hosting;

/// <summary>
/// The Orleans Dashboard behind <c>--dashboard-port</c>: the silo gathers its figures
/// (<see cref="Add"/>: Orleans' <c>AddDashboard</c>), and a small web app of its own, like the health
/// endpoint's, serves the dashboard's pages and API where the silo listens. The silo is a plain host,
/// not a web app, so the web app is given the four services the dashboard's endpoints ask for, taken
/// from the silo's own container (they are internal to the dashboard's package: found by name).
/// Read-only and without a login; it is off unless asked for.
/// </summary>
internal sealed partial class SiloDashboard(SiloSettings settings, IServiceProvider silo, ILogger<SiloDashboard> logger) : IHostedService, IAsyncDisposable
{
    /// <summary>The services the dashboard's endpoints resolve from the web app (Orleans.Dashboard 10.4).</summary>
    private static readonly string[] Forwarded =
        ["Orleans.Dashboard.EmbeddedAssetProvider", "Orleans.Dashboard.Core.IDashboardClient", "Orleans.Dashboard.Implementation.DashboardLogger"];

    private WebApplication? _app;

    /// <summary>The port it listens on; null until started.</summary>
    public int? Port { get; private set; }

    /// <summary>Makes the silo gather the dashboard's figures (grain call profiling, silo counters).</summary>
    public static void Add(ISiloBuilder builder) => builder.AddDashboard();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "Orleans.Parallel.Silo.Dashboard" });
        builder.Logging.ClearProviders();
        var package = typeof(DashboardOptions).Assembly;
        foreach (var name in Forwarded)
        {
            var type = package.GetType(name, throwOnError: false)
                ?? throw new InvalidOperationException($"The Orleans Dashboard package has no {name}: this silo's dashboard web app was written for Orleans.Dashboard 10.4.");
            builder.Services.AddSingleton(type, _ => silo.GetRequiredService(type));
        }
        builder.Services.AddSingleton(silo.GetRequiredService<IOptions<DashboardOptions>>());
        var address = settings.ListenAny ? IPAddress.Any : settings.ResolvedAddress();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(address, settings.DashboardPort ?? 0));
        var app = builder.Build();
        app.MapOrleansDashboard();
        await app.StartAsync(cancellationToken);
        _app = app;
        Port = new Uri(app.Urls.First()).Port;
        LogListening(logger, address.ToString(), Port.Value);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null) await _app.StopAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Orleans Dashboard on http://{Address}:{Port}/")]
    private static partial void LogListening(ILogger logger, string address, int port);
}
