using Orleans.Parallel.Tests.Functions;

namespace Orleans.Parallel.Tests.Isolation.BothModes;

/// <summary><see cref="LifecycleTests"/> against isolated engines.</summary>
[Collection(IsolatedEnginesCollection.Name)]
public sealed class IsolatedLifecycleTests(IsolatedEnginesFixture fixture) : LifecycleTests(fixture);
