using Orleans.Parallel.Hosting;
using Orleans.TestingHost;

namespace Orleans.Parallel.Tests.Cluster;

/// <summary>
/// One in-process test cluster for every cluster test: two silos with two engines each, and a
/// ParallelClient over the test cluster's client. Subclasses change how the engines run
/// (<see cref="ConfigureEngines"/>): the isolated twins of these tests run the same tests on engines
/// in processes of their own.
/// </summary>
public class ClusterFixture : IAsyncLifetime
{
    public const int EnginesPerSilo = 2;
    public const int Silos = 2;
    public const int EngineCount = EnginesPerSilo * Silos;

    public InProcessTestCluster Cluster { get; private set; } = null!;
    public ParallelClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = SecureTestCluster.Builder(Silos);
        // No script warm-up: tests share two cores, and the first Execute may as well pay for Roslyn itself.
        builder.ConfigureSilo((_, silo) => silo.AddParallelEngines(o =>
        {
            (o.Engines, o.WarmUpScripts) = (EnginesPerSilo, false);
            ConfigureEngines(o);
        }));
        builder.ConfigureClient(client => client.AddMemoryStreams(Orleans.Parallel.Engine.OutputStreams.Provider)); // live output, as ConnectAsync has it
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        Client = await ParallelClient.FromClusterClientAsync(Cluster.Client);
        await Client.WaitForEnginesAsync(EngineCount, TimeSpan.FromSeconds(30));
    }

    /// <summary>Engine options beyond the count and warm-up; nothing here (engines in the silo process).</summary>
    protected virtual void ConfigureEngines(EngineOptions options) { }

    public async Task DisposeAsync()
    {
        await Client.DisposeAsync();
        await Cluster.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
