using Orleans.Parallel.Tests.Cluster;

namespace Orleans.Parallel.Tests.Isolation.BothModes;

/// <summary><see cref="ErrorTests"/> against isolated engines.</summary>
[Collection(IsolatedEnginesCollection.Name)]
public sealed class IsolatedErrorTests(IsolatedEnginesFixture fixture) : ErrorTests(fixture);
