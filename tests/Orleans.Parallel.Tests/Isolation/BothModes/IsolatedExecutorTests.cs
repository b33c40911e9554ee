using Orleans.Parallel.Tests.Views;

namespace Orleans.Parallel.Tests.Isolation.BothModes;

/// <summary><see cref="ExecutorTests"/> against isolated engines.</summary>
[Collection(IsolatedEnginesCollection.Name)]
public sealed class IsolatedExecutorTests(IsolatedEnginesFixture fixture) : ExecutorTests(fixture);
