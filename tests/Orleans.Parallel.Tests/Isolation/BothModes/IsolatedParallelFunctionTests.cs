using Orleans.Parallel.Tests.Views;

namespace Orleans.Parallel.Tests.Isolation.BothModes;

/// <summary><see cref="ParallelFunctionTests"/> against isolated engines.</summary>
[Collection(IsolatedEnginesCollection.Name)]
public sealed class IsolatedParallelFunctionTests(IsolatedEnginesFixture fixture) : ParallelFunctionTests(fixture);
