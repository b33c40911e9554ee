using Orleans.Parallel.Tests.Cluster;

namespace Orleans.Parallel.Tests.Isolation.BothModes;

/// <summary><see cref="UserTypeTests"/> against isolated engines.</summary>
[Collection(IsolatedEnginesCollection.Name)]
public sealed class IsolatedUserTypeTests(IsolatedEnginesFixture fixture) : UserTypeTests(fixture);
