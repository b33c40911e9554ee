using Orleans.Parallel.Tests.Cluster;
using Orleans.Parallel.Hosting;
using Orleans.TestingHost;

namespace Orleans.Parallel.Tests.Hub;

/// <summary>
/// A cluster of its own for the hub's tests (two silos, one engine each, records in memory), so
/// their purges and histories see no other test's tasks. Tests in the collection run one at a time.
/// </summary>
public class HubClusterFixture : IAsyncLifetime
{
    public const int Engines = 2;

    public InProcessTestCluster Cluster { get; private set; } = null!;
    public ParallelClient Client { get; private set; } = null!;

    /// <summary>The record limit of the silos' memory stores (large by default; a small one lets a test see the cull).</summary>
    protected virtual int RecordLimit => 100_000;

    /// <summary>The largest result a record keeps (the default; a small one lets a test see a result not kept).</summary>
    protected virtual long MaxResultBytes => new Orleans.Parallel.Grains.Hub.Store.TaskStoreOptions().MaxResultBytes;

    /// <summary>Engine options beyond the count and warm-up; nothing here (engines in the silo process).</summary>
    protected virtual void ConfigureEngines(EngineOptions options) { }

    public async Task InitializeAsync()
    {
        var builder = SecureTestCluster.Builder(2);
        builder.ConfigureSilo((_, silo) => silo
            .AddParallelEngines(o =>
            {
                (o.Engines, o.WarmUpScripts) = (1, false);
                ConfigureEngines(o);
            })
            .AddParallelHub(o => (o.RecordLimit, o.MaxResultBytes) = (RecordLimit, MaxResultBytes)));
        builder.ConfigureClient(client => client.AddMemoryStreams(Orleans.Parallel.Engine.OutputStreams.Provider));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        Client = await ParallelClient.FromClusterClientAsync(Cluster.Client);
        await Client.WaitForEnginesAsync(Engines, TimeSpan.FromSeconds(30));
    }

    /// <summary>Another client of the same cluster: its own session, dispatcher and results.</summary>
    public Task<ParallelClient> SecondClientAsync() => ParallelClient.FromClusterClientAsync(Cluster.Client);

    public async Task DisposeAsync()
    {
        await Client.DisposeAsync();
        await Cluster.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class HubCollection : ICollectionFixture<HubClusterFixture>
{
    public const string Name = "hub";
}

/// <summary>A hub cluster whose memory store keeps at most <see cref="Limit"/> records.</summary>
public sealed class SmallStoreFixture : HubClusterFixture
{
    public const int Limit = 20;
    public const long ResultLimit = 1 << 20;

    protected override int RecordLimit => Limit;
    protected override long MaxResultBytes => ResultLimit;
}
