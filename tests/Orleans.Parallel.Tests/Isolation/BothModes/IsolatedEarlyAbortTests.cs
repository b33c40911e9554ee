using Orleans.Parallel.Tests.Engine;

namespace Orleans.Parallel.Tests.Isolation.BothModes;

/// <summary><see cref="EarlyAbortTests"/> against isolated engines.</summary>
[Collection(IsolatedEnginesCollection.Name)]
public sealed class IsolatedEarlyAbortTests(IsolatedEnginesFixture fixture) : EarlyAbortTests(fixture);
