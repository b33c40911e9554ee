using Orleans.Parallel.Tests.Cluster;

namespace Orleans.Parallel.Tests.Isolation.BothModes;

/// <summary><see cref="AsyncResultTests"/> against isolated engines.</summary>
[Collection(IsolatedEnginesCollection.Name)]
public sealed class IsolatedAsyncResultTests(IsolatedEnginesFixture fixture) : AsyncResultTests(fixture);
