using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Hosting;
using Orleans.Parallel.Hosting;
using Orleans.Parallel.Security;

namespace Orleans.Parallel.Tests.Hosting;

/// <summary>A grain of the user's own, on the same silo as the engines, that farms work out to them.</summary>
public interface IPrimeCounterGrain : IGrainWithStringKey
{
    /// <summary>How many primes are below each limit, counted on the engines through the load-balanced view.</summary>
    Task<int[]> CountAsync(int[] limits);

    /// <summary>The engines the grain's client sees.</summary>
    Task<int[]> EnginesAsync();
}

/// <summary>Takes the silo's <see cref="ParallelClient"/> by injection, as a grain takes any service.</summary>
public sealed class PrimeCounterGrain(ParallelClient rc) : Grain, IPrimeCounterGrain
{
    public async Task<int[]> CountAsync(int[] limits) =>
        (await rc.LoadBalancedView().MapAsync((int n) => Enumerable.Range(2, Math.Max(0, n - 2)).Count(k => Enumerable.Range(2, k - 2).All(d => d * d > k || k % d != 0)), limits)).ToArray();

    public async Task<int[]> EnginesAsync()
    {
        await rc.WaitForEnginesAsync(3, TimeSpan.FromSeconds(30));
        return rc.Ids.ToArray();
    }
}

/// <summary>
/// <c>siloBuilder.AddParallelEngines(...)</c> in a silo the user builds: engines, scheduler, hub and the bulk
/// listener beside the user's own grains, one of which calls into the engines.
/// </summary>
public sealed class UserSiloTests
{
    [Fact]
    public async Task UserSilo_HostsEnginesBesideItsOwnGrain_WhichFarmsWorkToThem()
    {
        var ports = LoopbackPorts.Reserve(2);
        using var credential = ClusterCredential.Generate("user-silo");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort: ports[0], gatewayPort: ports[1], serviceId: "user-silo", clusterId: "user-silo");
            silo.UseClusterSecurity(ClusterSecurity.Secure(credential));
            silo.AddParallelEngines(o => (o.Engines, o.WarmUpScripts) = (3, false));
            silo.AddParallelScheduler(o => o.Scheme = "lru");
        });
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var grains = host.Services.GetRequiredService<IClusterClient>();
            var counter = grains.GetGrain<IPrimeCounterGrain>("mine");
            var engines = await counter.EnginesAsync();
            Assert.Equal([0, 1, 2], engines);
            var counts = await counter.CountAsync([10, 100, 1000, 5000]);
            Assert.Equal([4, 25, 168, 669], counts);

            // A client from outside reaches the same engines through the silo's gateway, with the credential.
            await using var outside = await ParallelClient.ConnectAsync(new ParallelClientOptions
            {
                GatewayPort = ports[1], ClusterId = "user-silo", ServiceId = "user-silo", Credential = credential,
            });
            await outside.WaitForEnginesAsync(3, TimeSpan.FromSeconds(30));
            Assert.Equal([0, 1, 2], outside.Ids);
            var big = Enumerable.Range(0, 3_000_000).Select(i => (double)i).ToArray(); // 24 MB: the bulk listener carries it
            await outside[..].PushAsync("big", big);
            Assert.Equal(big.Length * 3, (await outside[..].ApplyAsync((double[] b) => b.Length, new Orleans.Parallel.Views.Reference<double[]>("big"))).Sum());
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
