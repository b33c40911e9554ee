using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Parallel.Hosting;

namespace Orleans.Parallel;

/// <summary>
/// A one-silo cluster inside the calling process, with a connected client: the embedded default
/// for programs, notebooks and tests. <c>await using var cluster = await LocalCluster.StartAsync(engines: 4);</c>
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    private readonly IHost _host;

    private LocalCluster(IHost host, ParallelClient client, int gatewayPort)
    {
        _host = host;
        Client = client;
        GatewayPort = gatewayPort;
    }

    /// <summary>The connected client.</summary>
    public ParallelClient Client { get; }

    /// <summary>The loopback port other clients can connect to (<see cref="ParallelClientOptions.GatewayPort"/>).</summary>
    public int GatewayPort { get; }

    /// <summary>Starts a silo with <paramref name="engines"/> engines (default: the processor count) on free loopback ports.</summary>
    public static Task<LocalCluster> StartAsync(int? engines = null, CancellationToken cancellationToken = default) =>
        StartAsync(new SiloSettings { Engines = engines ?? Environment.ProcessorCount }, cancellationToken);

    /// <summary>
    /// Starts a silo with <paramref name="settings"/> (engines, scheduling scheme, high-water mark…);
    /// its silo and gateway ports are always free loopback ports chosen here.
    /// </summary>
    public static async Task<LocalCluster> StartAsync(SiloSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var count = settings.Engines;
        ArgumentOutOfRangeException.ThrowIfNegative(count, "engines");
        settings = settings with { SiloPort = FreePort(), GatewayPort = FreePort() };
        var host = SiloHostFactory.Create(settings);
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var client = await ParallelClient.FromClusterClientAsync(host.Services.GetRequiredService<IClusterClient>()).ConfigureAwait(false);
            await client.WaitForEnginesAsync(count, TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
            return new LocalCluster(host, client, settings.GatewayPort);
        }
        catch
        {
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
            host.Dispose();
            throw;
        }
    }

    /// <summary>Disconnects the client and stops the silo (engines stop first).</summary>
    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync().ConfigureAwait(false);
        await _host.StopAsync().ConfigureAwait(false);
        _host.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
