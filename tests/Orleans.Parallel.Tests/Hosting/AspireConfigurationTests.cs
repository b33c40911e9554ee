using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Orleans.Parallel.Hosting;

namespace Orleans.Parallel.Tests.Hosting;

/// <summary>
/// The silo under an Aspire app host: Aspire.Hosting.Orleans' <c>Orleans__*</c> and
/// <c>ConnectionStrings__*</c> variables become silo settings, under the silo's own <c>OP_*</c> ones.
/// (deploy/AppHost runs it for real: tests/Orleans.Parallel.AppHost.Tests.)
/// </summary>
public sealed class AspireConfigurationTests
{
    /// <summary>What <c>.WithReference(orleans)</c> gives a silo with Redis clustering, as configuration keys.</summary>
    private static readonly Dictionary<string, string?> AppHostVariables = new()
    {
        ["Orleans:ClusterId"] = "aspire",
        ["Orleans:ServiceId"] = "aspire-service",
        ["Orleans:Clustering:ProviderType"] = "Redis",
        ["Orleans:Clustering:ServiceKey"] = "redis",
        ["Orleans:Endpoints:SiloPort"] = "23158",
        ["Orleans:Endpoints:GatewayPort"] = "23157",
        ["Orleans:EnableDistributedTracing"] = "true",
        ["ConnectionStrings:redis"] = "localhost:42583,password=secret",
    };

    private static IConfiguration Configuration(Dictionary<string, string?> values) => new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    [Fact]
    public void AppHostVariables_BecomeTheSilosClusterPortsAndRedisTable()
    {
        var settings = SiloSettings.FromConfiguration(Configuration(AspireConfiguration.Settings(Configuration(AppHostVariables))));

        Assert.Equal("aspire", settings.ClusterId);
        Assert.Equal("aspire-service", settings.ServiceId);
        Assert.Equal(23158, settings.SiloPort);
        Assert.Equal(23157, settings.GatewayPort);
        Assert.Equal(ClusterMembership.Redis, settings.Clustering);
        Assert.Equal("localhost:42583,password=secret", settings.ClusteringConnection);
        settings.Validate();
    }

    [Fact]
    public void OpVariables_WinOverTheAppHosts()
    {
        // As FromConfiguration stacks them: the app host's settings first, the OP_* variables over them.
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(AspireConfiguration.Settings(Configuration(AppHostVariables)))
            .AddInMemoryCollection(new Dictionary<string, string?> { ["GATEWAYPORT"] = "31000" }) // as OP_GATEWAYPORT arrives
            .Build();

        var settings = SiloSettings.FromConfiguration(configuration);

        Assert.Equal(31000, settings.GatewayPort);
        Assert.Equal(23158, settings.SiloPort);
    }

    [Fact]
    public void NoOrleansConfiguration_GivesNothing() =>
        Assert.Empty(AspireConfiguration.Settings(Configuration(new() { ["ConnectionStrings:redis"] = "localhost:6379", ["PATH"] = "/usr/bin" })));

    [Fact]
    public void AzureTableClustering_BecomesAzure()
    {
        var settings = AspireConfiguration.Settings(Configuration(new()
        {
            ["Orleans:Clustering:ProviderType"] = "AzureTableStorage",
            ["Orleans:Clustering:ServiceKey"] = "clustering",
            ["ConnectionStrings:clustering"] = "UseDevelopmentStorage=true",
        }));

        Assert.Equal(ClusterMembership.Azure, settings[nameof(SiloSettings.Clustering)]);
        Assert.Equal("UseDevelopmentStorage=true", settings[nameof(SiloSettings.ClusteringConnection)]);
    }

    [Theory]
    [InlineData("AdoNet", "clustering", "has no counterpart in this silo: it takes Redis or AzureTableStorage")]
    [InlineData("Redis", "elsewhere", "no connection string ConnectionStrings:elsewhere")]
    public void ClusteringTheSiloCannotUse_IsRefusedSayingWhy(string provider, string serviceKey, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => AspireConfiguration.Settings(Configuration(new()
        {
            ["Orleans:Clustering:ProviderType"] = provider,
            ["Orleans:Clustering:ServiceKey"] = serviceKey,
            ["ConnectionStrings:clustering"] = "Server=db",
        })));
        Assert.Contains(message, e.Message);
    }

    /// <summary>The real process reads the variables: its help shows them as defaults, an OP_* variable over them.</summary>
    [Fact]
    public async Task SiloProcess_TakesTheAppHostsVariables_UnderItsOwn()
    {
        var (help, _, helpExit) = await RunSiloAsync(new()
        {
            ["Orleans__ClusterId"] = "from-aspire",
            ["Orleans__Endpoints__GatewayPort"] = "31234",
            ["OP_CLUSTERID"] = "from-op",
        });
        Assert.Equal(0, helpExit);
        Assert.Matches(@"--gateway-port .*\[default: 31234\]", help);
        Assert.Matches(@"--cluster-id .*\[default: from-op\]", help);

        var (_, error, badExit) = await RunSiloAsync(new() { ["Orleans__Clustering__ProviderType"] = "AdoNet" });
        Assert.Equal(2, badExit);
        Assert.Contains("Orleans:Clustering:ProviderType 'AdoNet'", error);
        Assert.DoesNotContain("   at ", error); // one clear line, no stack trace
    }

    private static async Task<(string Output, string Error, int ExitCode)> RunSiloAsync(Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Orleans.Parallel.Silo.dll"));
        start.ArgumentList.Add("--help");
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var silo = Process.Start(start)!;
        var output = silo.StandardOutput.ReadToEndAsync();
        var error = silo.StandardError.ReadToEndAsync();
        await silo.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (await output, await error, silo.ExitCode);
    }
}
