using Orleans.Parallel.Tests.Scheduling;

namespace Orleans.Parallel.Tests.Isolation.BothModes;

/// <summary><see cref="MapItemsTests"/> against isolated engines.</summary>
[Collection(IsolatedEnginesCollection.Name)]
public sealed class IsolatedMapItemsTests(IsolatedEnginesFixture fixture) : MapItemsTests(fixture);
