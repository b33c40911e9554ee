using Orleans.Parallel.Tests.Cluster;

namespace Orleans.Parallel.Tests.Isolation.BothModes;

/// <summary><see cref="ScatterGatherTests"/> against isolated engines.</summary>
[Collection(IsolatedEnginesCollection.Name)]
public sealed class IsolatedScatterGatherTests(IsolatedEnginesFixture fixture) : ScatterGatherTests(fixture);
