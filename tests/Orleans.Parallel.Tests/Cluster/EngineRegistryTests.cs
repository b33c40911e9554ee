using Microsoft.Extensions.DependencyInjection;
using Orleans.Parallel.Hosting;
using Orleans.Parallel.Registry;
using Orleans.TestingHost;

namespace Orleans.Parallel.Tests.Cluster;

/// <summary>
/// A silo reserves ids for the engines it starts and lists them all in one change. The registry
/// refuses what was not reserved, and ids still being started do not count as engines that left.
/// Uses its own one-silo cluster, since it lists made-up engines.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class EngineRegistryTests
{
    [Fact]
    public async Task ReservedIds_AreNotLeftUntilListed_AndWhatWasNotReservedIsRefused()
    {
        var builder = SecureTestCluster.Builder(1);
        builder.ConfigureSilo((_, silo) => silo.AddParallelEngines(o => (o.Engines, o.WarmUpScripts) = (1, false)));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        try
        {
            // Reserving and listing are for silos only: the registry is called as a silo's engine host calls it.
            var registry = cluster.GetSiloServiceProvider().GetRequiredService<IGrainFactory>().GetGrain<IEngineRegistryGrain>(0);
            var before = await registry.GetEnginesAsync();
            var silo = Assert.Single(before.Engines).SiloAddress;
            Assert.Equal(1, before.IdsGivenOut);

            var first = await registry.ReserveIdsAsync(2, silo);
            Assert.Equal(1, first);
            var pending = await registry.GetEnginesAsync();
            Assert.Equal(1, pending.IdsGivenOut); // 1 and 2 are starting, not gone
            Assert.False(pending.HasLeft(2));

            EngineEntry Entry(int id, string address) => new(id, Guid.NewGuid(), "made-up", null, address);
            var unreserved = await Assert.ThrowsAsync<ArgumentException>(() => registry.ListAsync([Entry(1, silo), Entry(7, silo)]));
            Assert.Contains("Engine id 7 was not reserved", unreserved.Message);
            var otherSilo = await Assert.ThrowsAsync<ArgumentException>(() => registry.ListAsync([Entry(1, "S10.0.0.9:1:1")]));
            Assert.Contains("not reserved for silo S10.0.0.9:1:1", otherSilo.Message);
            var listed = await Assert.ThrowsAsync<ArgumentException>(() => registry.ListAsync([Entry(0, silo)]));
            Assert.Contains("not reserved", listed.Message);
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => registry.ReserveIdsAsync(0, silo));
            Assert.Equal([0], (await registry.GetEnginesAsync()).Engines.Select(e => e.EngineId)); // nothing listed by the refused calls

            await registry.ListAsync([Entry(1, silo)]); // engine 2 did not start
            var after = await registry.GetEnginesAsync();
            Assert.Equal([0, 1], after.Engines.Select(e => e.EngineId));
            Assert.Equal(3, after.IdsGivenOut);
            Assert.True(after.HasLeft(2));
            Assert.Equal(3, await registry.ReserveIdsAsync(1, silo)); // never given out again
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }
}
