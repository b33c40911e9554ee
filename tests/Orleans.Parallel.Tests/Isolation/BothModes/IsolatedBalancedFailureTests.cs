using Orleans.Parallel.Tests.Scheduling;

namespace Orleans.Parallel.Tests.Isolation.BothModes;

/// <summary><see cref="BalancedFailureTests"/> (load-balanced tasks) against isolated engines.</summary>
[Collection(IsolatedEnginesCollection.Name)]
public sealed class IsolatedBalancedFailureTests(IsolatedEnginesFixture fixture) : BalancedFailureTests(fixture);
