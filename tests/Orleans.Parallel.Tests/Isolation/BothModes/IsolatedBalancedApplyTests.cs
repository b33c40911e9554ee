using Orleans.Parallel.Tests.Scheduling;

namespace Orleans.Parallel.Tests.Isolation.BothModes;

/// <summary><see cref="BalancedApplyTests"/> (load-balanced tasks) against isolated engines.</summary>
[Collection(IsolatedEnginesCollection.Name)]
public sealed class IsolatedBalancedApplyTests(IsolatedEnginesFixture fixture) : BalancedApplyTests(fixture);
