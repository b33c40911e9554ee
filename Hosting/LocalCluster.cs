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

    private readonly SiloSettings _settings;

    private LocalCluster(IHost host, ParallelClient client, int gatewayPort, SiloSettings settings)
    {
        _host = host;
        Client = client;
        GatewayPort = gatewayPort;
        _settings = settings;
    }

    /// <summary>The cluster's credential (made for this cluster alone, unless the settings gave one); null if it runs insecure.</summary>
    public Security.ClusterCredential? Credential => _settings.Security?.Credential;

    /// <summary>Options for another client of this cluster in this process: its gateway, ids and credential.</summary>
    public ParallelClientOptions ClientOptions() => new()
    {
        GatewayPort = GatewayPort,
        ClusterId = _settings.ClusterId,
        ServiceId = _settings.ServiceId,
        Credential = Credential,
        Insecure = Credential is null,
    };

    /// <summary>The connected client.</summary>
    public ParallelClient Client { get; }

    /// <summary>The loopback port other clients can connect to (<see cref="ParallelClientOptions.GatewayPort"/>).</summary>
    public int GatewayPort { get; }

    /// <summary>Starts a silo with <paramref name="engines"/> engines (default: the processor count) on free loopback ports.</summary>
    public static Task<LocalCluster> StartAsync(int? engines = null, CancellationToken cancellationToken = default) =>
        StartAsync(new SiloSettings { Engines = engines ?? Environment.ProcessorCount }, cancellationToken);

    /// <summary>
    /// Starts a silo with <paramref name="settings"/> (engines, scheduling scheme, high-water mark…);
    /// its silo and gateway ports are always free loopback ports chosen here. It is secure as every
    /// silo is: with a credential made for it alone (<see cref="Credential"/>), unless the settings give
    /// <see cref="SiloSettings.Security"/> or <see cref="SiloSettings.Insecure"/>. It writes no connection file.
    /// </summary>
    public static async Task<LocalCluster> StartAsync(SiloSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Connection.DynamicCodeCheck.ThrowIfUnsupported();
        settings = settings with
        {
            Security = settings.Security
                ?? (settings.Insecure ? Security.ClusterSecurity.Insecure : Security.ClusterSecurity.Secure(Security.ClusterCredential.Generate(settings.ClusterId))),
        };
        var count = settings.Engines;
        ArgumentOutOfRangeException.ThrowIfNegative(count, "engines");
        var (host, gatewayPort) = await StartHostAsync(settings, cancellationToken).ConfigureAwait(false);
        try
        {
            var client = host.Services.GetRequiredService<ParallelClient>(); // the silo's own (AddParallelEngines)
            await client.WaitForEnginesAsync(count, TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
            return new LocalCluster(host, client, gatewayPort, settings);
        }
        catch
        {
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
            host.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Starts the silo host on free loopback ports. Another program can bind a port between its
    /// choice and the silo's bind, so a bind that fails starts again on new ports (three tries).
    /// </summary>
    private static async Task<(IHost Host, int GatewayPort)> StartHostAsync(SiloSettings settings, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var ports = LoopbackPorts.Reserve(2);
            var host = SiloHostFactory.Create(settings with { SiloPort = ports[0], GatewayPort = ports[1] });
            try
            {
                await host.StartAsync(cancellationToken).ConfigureAwait(false);
                return (host, ports[1]);
            }
            catch (Exception e) when (attempt < 3 && IsPortTaken(e))
            {
                host.Dispose();
            }
        }
    }

    private static bool IsPortTaken(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            if (e is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse }) return true;
        return false;
    }

    /// <summary>Disconnects the client and stops the silo (engines stop first).</summary>
    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync().ConfigureAwait(false);
        await _host.StopAsync().ConfigureAwait(false);
        _host.Dispose();
    }
}
