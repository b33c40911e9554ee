using Microsoft.Extensions.DependencyInjection;
using Orleans.Parallel.Hosting;
using Orleans.Parallel.Tests.Cluster;
using Orleans.TestingHost;

namespace Orleans.Parallel.Tests.Isolation;

/// <summary>
/// One silo whose two engines are isolated (each in a process of its own, with a 512 MiB heap
/// limit), and a client over it. Tests that end engine processes use it; each leaves both engines
/// answering. Its task records keep results of up to <see cref="KeptResultBytes"/>, so larger ones
/// reach the client while they still arrive from the process (as results over 64 MiB do by default).
/// </summary>
public sealed class IsolatedClusterFixture : IAsyncLifetime
{
    public const int Engines = 2;
    public const long MemoryLimit = 512L << 20;
    public const long KeptResultBytes = 2L << 20;

    public InProcessTestCluster Cluster { get; private set; } = null!;
    public ParallelClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = SecureTestCluster.Builder(1);
        builder.ConfigureSilo((_, silo) => silo.AddParallelEngines(o =>
        {
            (o.Engines, o.WarmUpScripts) = (Engines, false);
            o.Isolation = EngineIsolation.Process;
            o.EngineMemoryLimit = MemoryLimit;
        }).Services.Configure<Orleans.Parallel.Grains.Hub.Store.TaskStoreOptions>(o => o.MaxResultBytes = KeptResultBytes));
        builder.ConfigureClient(client => client.AddMemoryStreams(Orleans.Parallel.Engine.OutputStreams.Provider));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        Client = await ParallelClient.FromClusterClientAsync(Cluster.Client);
        await Client.WaitForEnginesAsync(Engines, TimeSpan.FromSeconds(60));
    }

    public async Task DisposeAsync()
    {
        await Client.DisposeAsync();
        await Cluster.DisposeAsync();
    }
}

/// <summary>Alone, not beside other collections: its tests measure the CPU this process and its engine processes use.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class IsolatedCollection : ICollectionFixture<IsolatedClusterFixture>
{
    public const string Name = "isolated";
}
