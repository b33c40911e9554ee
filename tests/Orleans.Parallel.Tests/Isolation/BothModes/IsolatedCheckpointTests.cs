using Orleans.Parallel.Tests.Cluster;

namespace Orleans.Parallel.Tests.Isolation.BothModes;

/// <summary>
/// <see cref="CheckpointTests"/> against isolated engines, on a one-silo cluster of its own. In the
/// isolated-engines collection so that it does not run beside the other isolated twins.
/// </summary>
[Collection(IsolatedEnginesCollection.Name)]
public sealed class IsolatedCheckpointTests(IsolatedCheckpointCluster fixture) : CheckpointTests(fixture), IClassFixture<IsolatedCheckpointCluster>;
