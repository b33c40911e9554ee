using Orleans.Parallel.Hosting;
using Orleans.Parallel.Tests.Cluster;
using Orleans.Parallel.Tests.Hub;

namespace Orleans.Parallel.Tests.Isolation.BothModes;

/// <summary>
/// The shared cluster of <see cref="ClusterFixture"/> (two silos, two engines each) with isolated
/// engines: each runs its tasks in a process of its own. The isolated twins of the cluster tests
/// (this folder) run the same tests against it.
/// </summary>
public sealed class IsolatedEnginesFixture : ClusterFixture
{
    protected override void ConfigureEngines(EngineOptions options) => options.Isolation = EngineIsolation.Process;
}

[CollectionDefinition(Name)]
public sealed class IsolatedEnginesCollection : ICollectionFixture<IsolatedEnginesFixture>
{
    public const string Name = "isolated-engines";
}

/// <summary>The one-silo cluster of <see cref="CheckpointTests"/>, with isolated engines.</summary>
public sealed class IsolatedCheckpointCluster : CheckpointCluster
{
    protected override void ConfigureEngines(EngineOptions options) => options.Isolation = EngineIsolation.Process;
}

/// <summary>The hub tests' cluster (two silos, one engine each), with isolated engines.</summary>
public sealed class IsolatedHubClusterFixture : HubClusterFixture
{
    protected override void ConfigureEngines(EngineOptions options) => options.Isolation = EngineIsolation.Process;
}
