using Orleans.Parallel.Tests.Cluster;

namespace Orleans.Parallel.Tests.Isolation.BothModes;

/// <summary><see cref="ExecuteTests"/> against isolated engines.</summary>
[Collection(IsolatedEnginesCollection.Name)]
public sealed class IsolatedExecuteTests(IsolatedEnginesFixture fixture) : ExecuteTests(fixture);
