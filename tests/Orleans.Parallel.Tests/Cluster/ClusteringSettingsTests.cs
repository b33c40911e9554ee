using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Orleans.Parallel.Hosting;

namespace Orleans.Parallel.Tests.Cluster;

/// <summary>Silo clustering settings: where they come from, and bad ones refused before anything starts.</summary>
public sealed class ClusteringSettingsTests
{
    [Theory]
    [InlineData("zookeeper", null, "Unknown clustering 'zookeeper'")]
    [InlineData("redis", null, "needs a connection")]
    [InlineData("azure", "not a connection string", "connection string is not valid")]
    public async Task BadClustering_IsRefusedBeforeTheSiloStarts(string kind, string? connection, string message)
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() =>
            LocalCluster.StartAsync(new SiloSettings { Engines = 1, Clustering = kind, ClusteringConnection = connection, SiloPort = 11191, GatewayPort = 30091 }));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public async Task PrimarySiloPort_WithRedis_OrAnAddressThatIsNoIpNorHostName_IsRefused()
    {
        var primary = await Assert.ThrowsAsync<ArgumentException>(() => LocalCluster.StartAsync(new SiloSettings
        {
            Engines = 1, Clustering = ClusterMembership.Redis, ClusteringConnection = "127.0.0.1:6379", PrimarySiloPort = 11111, SiloPort = 11192, GatewayPort = 30092,
        }));
        Assert.Contains("localhost clustering only", primary.Message);
        var address = await Assert.ThrowsAsync<ArgumentException>(() =>
            LocalCluster.StartAsync(new SiloSettings { Engines = 1, Address = "my laptop!", SiloPort = 11193, GatewayPort = 30093 }));
        Assert.Contains("Address 'my laptop!' is neither an IP address nor a host name", address.Message);
    }

    /// <summary>A host name (a container's own name) is resolved once at start; this machine's resolver knows "localhost" without asking anyone.</summary>
    [Fact]
    public void Address_HostName_ResolvesToItsIPv4Address()
    {
        Assert.Equal(System.Net.IPAddress.Loopback, new SiloSettings { Address = "localhost" }.ResolvedAddress());
        Assert.Equal(System.Net.IPAddress.Parse("10.1.2.3"), new SiloSettings { Address = "10.1.2.3" }.ResolvedAddress());
    }

    /// <summary>The bulk endpoint told to clients must be an address and a port they can connect to as given.</summary>
    [Theory]
    [InlineData("silo1:30100")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:0")]
    [InlineData("127.0.0.1:70000")]
    public async Task BulkEndpoint_NotIpAndPort_IsRefusedNamingIt(string endpoint)
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() =>
            LocalCluster.StartAsync(new SiloSettings { Engines = 1, BulkEndpoint = endpoint, SiloPort = 11195, GatewayPort = 30095 }));
        Assert.Contains($"BulkEndpoint '{endpoint}' is not \"IP:port\"", e.Message);
    }

    /// <summary>Localhost clustering keeps every silo on 127.0.0.1: another address, or every interface, is refused rather than ignored.</summary>
    [Theory]
    [InlineData("10.1.2.3", false)]
    [InlineData("127.0.0.1", true)]
    public async Task AddressOrListenAny_WithLocalhostClustering_IsRefused(string address, bool listenAny)
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() =>
            LocalCluster.StartAsync(new SiloSettings { Engines = 1, Address = address, ListenAny = listenAny, SiloPort = 11194, GatewayPort = 30094 }));
        Assert.Contains("Localhost clustering keeps every silo on 127.0.0.1", e.Message);
        Assert.Contains("--clustering redis or azure", e.Message);
    }

    [Theory]
    [InlineData(0.05)]
    [InlineData(120)]
    public async Task ProbeTimeout_OutOfRange_IsRefusedNamingIt(double seconds)
    {
        var e = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => LocalCluster.StartAsync(new SiloSettings
        {
            Engines = 1, ProbeTimeout = TimeSpan.FromSeconds(seconds), SiloPort = 11194, GatewayPort = 30094,
        }));
        Assert.Contains("ProbeTimeout must be between 0.2 and 60 seconds", e.Message);
    }

    [Fact]
    public void FromConfiguration_FileSection_ThenEnvironmentOverIt()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Silo:Engines"] = "3",
                ["Silo:Clustering"] = "redis",
                ["Silo:ClusteringConnection"] = "file-host:6379",
            })
            .AddInMemoryCollection(new Dictionary<string, string?> { ["CLUSTERINGCONNECTION"] = "env-host:6379" }) // as OP_CLUSTERINGCONNECTION arrives
            .Build();

        var settings = SiloSettings.FromConfiguration(configuration);

        Assert.Equal(3, settings.Engines);
        Assert.Equal(ClusterMembership.Redis, settings.Clustering);
        Assert.Equal("env-host:6379", settings.ClusteringConnection);
        Assert.Equal(new SiloSettings().GatewayPort, settings.GatewayPort);
    }

    [Fact]
    public async Task SiloProcess_BadEnvironmentVariable_OneClearLine_ExitCode2()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Orleans.Parallel.Silo.dll"));
        start.Environment["OP_ENGINES"] = "many";
        using var silo = Process.Start(start)!;
        var error = await silo.StandardError.ReadToEndAsync();
        await silo.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, silo.ExitCode);
        Assert.Contains("'many' at 'Engines'", error);
        Assert.DoesNotContain("   at ", error); // no stack trace
    }
}
