using Orleans.Parallel.Tests.Cluster;

namespace Orleans.Parallel.Tests.Isolation.BothModes;

/// <summary><see cref="OutputCaptureTests"/> against isolated engines.</summary>
[Collection(IsolatedEnginesCollection.Name)]
public sealed class IsolatedOutputCaptureTests(IsolatedEnginesFixture fixture) : OutputCaptureTests(fixture);
