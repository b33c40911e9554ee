using Orleans.Parallel.Tests.Functions;

namespace Orleans.Parallel.Tests.Isolation.BothModes;

/// <summary><see cref="ClosureTests"/> against isolated engines.</summary>
[Collection(IsolatedEnginesCollection.Name)]
public sealed class IsolatedClosureTests(IsolatedEnginesFixture fixture) : ClosureTests(fixture);
