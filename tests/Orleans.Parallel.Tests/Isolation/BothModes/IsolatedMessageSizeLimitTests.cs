using Orleans.Parallel.Tests.Cluster;

namespace Orleans.Parallel.Tests.Isolation.BothModes;

/// <summary><see cref="MessageSizeLimitTests"/> against isolated engines.</summary>
[Collection(IsolatedEnginesCollection.Name)]
public sealed class IsolatedMessageSizeLimitTests(IsolatedEnginesFixture fixture) : MessageSizeLimitTests(fixture);
