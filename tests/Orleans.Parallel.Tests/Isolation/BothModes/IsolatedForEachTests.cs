using Orleans.Parallel.Tests.Views;

namespace Orleans.Parallel.Tests.Isolation.BothModes;

/// <summary><see cref="ForEachTests"/> against isolated engines.</summary>
[Collection(IsolatedEnginesCollection.Name)]
public sealed class IsolatedForEachTests(IsolatedEnginesFixture fixture) : ForEachTests(fixture);
