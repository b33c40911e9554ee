using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Parallel.Views;

namespace Orleans.Parallel.Tests.Hosting;

/// <summary>
/// <c>services.AddParallelClient(...)</c> in the apps people write: a worker service whose
/// BackgroundService injects the client, an ASP.NET endpoint, and start-time checks of the options.
/// </summary>
public sealed class ParallelClientHostingTests : IAsyncLifetime
{
    private LocalCluster _cluster = null!;
    private string _folder = null!;
    private string _credentialFile = null!;

    public async Task InitializeAsync()
    {
        _cluster = await LocalCluster.StartAsync(engines: 2);
        _folder = Directory.CreateTempSubdirectory("op-hosting-").FullName;
        _credentialFile = Path.Combine(_folder, "cluster.pem");
        File.WriteAllText(_credentialFile, _cluster.Credential!.ToPem());
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>The section an app's appsettings.json would hold, as configuration.</summary>
    private IConfiguration Section(params (string Key, string Value)[] extra)
    {
        var values = new Dictionary<string, string?>
        {
            ["OrleansParallel:GatewayPort"] = _cluster.GatewayPort.ToString(),
            ["OrleansParallel:ClusterId"] = _cluster.ClientOptions().ClusterId,
            ["OrleansParallel:ServiceId"] = _cluster.ClientOptions().ServiceId,
            ["OrleansParallel:CredentialFile"] = _credentialFile,
        };
        foreach (var (key, value) in extra) values["OrleansParallel:" + key] = value;
        return new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection("OrleansParallel");
    }

    /// <summary>A worker that takes the client in its constructor and runs work in ExecuteAsync, as a worker-service template does.</summary>
    private sealed class SumWorker(ParallelClient rc) : BackgroundService
    {
        public TaskCompletionSource<int[]> Sums { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ParallelClient Client => rc;

        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            try
            {
                var all = rc[..];
                await all.ScatterAsync("hosted_x", Enumerable.Range(1, 10).ToArray());
                var sums = await all.ApplyAsync((int[] x) => x.Sum(), new Reference<int[]>("hosted_x"));
                Sums.SetResult(sums.ToArray());
            }
            catch (Exception e)
            {
                Sums.SetException(e);
            }
        }
    }

    [Fact]
    public async Task WorkerService_InjectsClient_ConnectedWhenItRuns_AndDisposedWithTheHost()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton<SumWorker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SumWorker>());
        builder.Services.AddParallelClient(Section());
        using var host = builder.Build();
        await host.StartAsync();
        var worker = host.Services.GetRequiredService<SumWorker>();
        var sums = await worker.Sums.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal([1 + 2 + 3 + 4 + 5, 6 + 7 + 8 + 9 + 10], sums);
        Assert.Same(worker.Client, host.Services.GetRequiredService<ParallelClient>());

        await host.StopAsync();
        // Disposed with the host: its session is over, so nothing more can be sent.
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await worker.Client[..].ApplyAsync(() => 1));
        // The cluster itself is untouched.
        Assert.Equal([1, 1], await _cluster.Client[..].ApplyAsync(() => 1));
    }

    [Fact]
    public async Task AspNetApp_EndpointInjectsClient()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddParallelClient(o =>
        {
            o.GatewayPort = _cluster.GatewayPort;
            (o.ClusterId, o.ServiceId) = (_cluster.ClientOptions().ClusterId, _cluster.ClientOptions().ServiceId);
            o.Credential = Security.ClusterCredential.FromFile(_credentialFile);
        });
        await using var app = builder.Build();
        app.MapGet("/squares/{n:int}", async (int n, ParallelClient rc) =>
            string.Join(",", await rc.LoadBalancedView().MapAsync((int x) => x * x, Enumerable.Range(0, n))));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient();
        Assert.Equal("0,1,4,9,16", await http.GetStringAsync($"{address}/squares/5"));
        await app.StopAsync();
    }

    [Fact]
    public async Task BadSetting_StopsTheStart_NamingTheSetting()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddParallelClient(Section(("GatewayPort", "70000")));
        using var host = builder.Build();
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("OrleansParallel:GatewayPort", error.Message);
        Assert.Contains("1..65535", error.Message);
    }

    [Fact]
    public async Task AdditionalGatewayNotHostPort_StopsTheStart_NamingTheSetting()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddParallelClient(Section(("AdditionalGateways:0", "no-port-here")));
        using var host = builder.Build();
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("OrleansParallel:AdditionalGateways", error.Message);
    }

    [Fact]
    public async Task MissingCredential_StopsTheStart_SayingWhereItLooked()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddParallelClient(o => (o.GatewayPort, o.ClusterId) = (_cluster.GatewayPort, "no-such-cluster-" + Guid.NewGuid().ToString("N")));
        using var host = builder.Build();
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("No credential for cluster", error.Message);
    }

    [Fact]
    public async Task ConnectionFileKey_FillsGatewayAndCredential_SectionKeysOverrideIt()
    {
        // A connection file as a silo writes it, naming the cluster's gateway and holding its credential.
        var file = Path.Combine(_folder, "dev.json");
        Security.ConnectionFile.Update(file, _ => new Security.ConnectionFile
        {
            ClusterId = _cluster.ClientOptions().ClusterId,
            ServiceId = _cluster.ClientOptions().ServiceId,
            Gateways = [$"127.0.0.1:{_cluster.GatewayPort}"],
            Credential = _cluster.Credential!.ToPem(),
        });
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OrleansParallel:ConnectionFile"] = file,
            ["OrleansParallel:ConnectTimeout"] = "00:00:20",
        }).Build();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddParallelClient(configuration.GetSection("OrleansParallel"));
        using var host = builder.Build();
        var options = host.Services.GetRequiredService<IOptions<ParallelClientOptions>>().Value;
        Assert.Equal(_cluster.GatewayPort, options.GatewayPort);
        Assert.Equal(TimeSpan.FromSeconds(20), options.ConnectTimeout);
        await host.StartAsync();
        Assert.Equal([7, 7], await host.Services.GetRequiredService<ParallelClient>()[..].ApplyAsync(() => 7));
        await host.StopAsync();
    }

    [Fact]
    public void CalledTwice_SaysToRegisterOne()
    {
        var services = new ServiceCollection();
        services.AddParallelClient(_ => { });
        var error = Assert.Throws<InvalidOperationException>(() => services.AddParallelClient(_ => { }));
        Assert.Contains("twice", error.Message);
    }

    [Fact]
    public void NullArguments_AreNamed()
    {
        var services = new ServiceCollection();
        Assert.Equal("configure", Assert.Throws<ArgumentNullException>(() => services.AddParallelClient((Action<ParallelClientOptions>)null!)).ParamName);
        Assert.Equal("configuration", Assert.Throws<ArgumentNullException>(() => services.AddParallelClient((IConfiguration)null!)).ParamName);
    }
}
