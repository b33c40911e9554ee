using Orleans.Parallel.Tests.Views;

namespace Orleans.Parallel.Tests.Isolation.BothModes;

/// <summary><see cref="RemoteFunctionTests"/> against isolated engines.</summary>
[Collection(IsolatedEnginesCollection.Name)]
public sealed class IsolatedRemoteFunctionTests(IsolatedEnginesFixture fixture) : RemoteFunctionTests(fixture);
