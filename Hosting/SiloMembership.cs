using System.Net;
using Azure.Data.Tables;
using Microsoft.Extensions.Hosting;

namespace Orleans.Parallel.Hosting;

/// <summary>The silo side of <see cref="ClusterMembership"/>: where the membership table lives and which endpoints the silo gives.</summary>
internal static class SiloMembership
{
    public static void Configure(ISiloBuilder silo, SiloSettings settings)
    {
        var address = settings.ResolvedAddress();
        var connection = settings.ResolvedClusteringConnection();
        // Probes adapt between half and four times the initial timeout; a killed silo is declared dead
        // after three failed probes (the third indirect, through another silo).
        silo.Configure<Orleans.Configuration.ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = settings.ProbeTimeout;
            o.MinProbeTimeout = settings.ProbeTimeout / 2;
            o.MaxProbeTimeout = settings.ProbeTimeout * 4;
        });
        switch (settings.Clustering)
        {
            case ClusterMembership.Redis:
                silo.UseRedisClustering(connection!);
                // What must outlive a silo (the engine registry's list) is kept where the membership is.
                silo.AddRedisGrainStorage(Grains.DurableStorage.Name,
                    o => o.ConfigurationOptions = StackExchange.Redis.ConfigurationOptions.Parse(connection!));
                Endpoints(silo, settings, address);
                break;
            case ClusterMembership.Azure:
                silo.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(connection));
                silo.AddAzureTableGrainStorage(Grains.DurableStorage.Name, o => o.TableServiceClient = new TableServiceClient(connection));
                Endpoints(silo, settings, address);
                break;
            default:
                // The first silo (its own port is the primary's) holds the table in memory; the others join it.
                silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort,
                    settings.PrimarySiloPort is { } primary && primary != settings.SiloPort ? new IPEndPoint(IPAddress.Loopback, primary) : null);
                break;
        }
    }

    /// <summary>Listens on the given address only, or on every interface when asked (<see cref="SiloSettings.ListenAny"/>: a machine whose address is translated).</summary>
    private static void Endpoints(ISiloBuilder silo, SiloSettings settings, IPAddress address) =>
        silo.ConfigureEndpoints(address, settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: settings.ListenAny);
}
