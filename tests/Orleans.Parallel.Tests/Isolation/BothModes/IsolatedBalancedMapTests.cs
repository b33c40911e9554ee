using Orleans.Parallel.Tests.Scheduling;

namespace Orleans.Parallel.Tests.Isolation.BothModes;

/// <summary><see cref="BalancedMapTests"/> (load-balanced tasks) against isolated engines.</summary>
[Collection(IsolatedEnginesCollection.Name)]
public sealed class IsolatedBalancedMapTests(IsolatedEnginesFixture fixture) : BalancedMapTests(fixture);
