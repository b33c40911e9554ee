using Orleans.Parallel.Tests.Scheduling;

namespace Orleans.Parallel.Tests.Isolation.BothModes;

/// <summary><see cref="BalancedDependencyTests"/> (load-balanced tasks) against isolated engines.</summary>
[Collection(IsolatedEnginesCollection.Name)]
public sealed class IsolatedBalancedDependencyTests(IsolatedEnginesFixture fixture) : BalancedDependencyTests(fixture);
