using Orleans.Parallel.Tests.Hub;

namespace Orleans.Parallel.Tests.Isolation.BothModes;

/// <summary>
/// <see cref="LiveOutputTests"/> (output streamed while a task runs) against isolated engines, on a
/// cluster of its own. In the isolated-engines collection so that it does not run beside the other
/// isolated twins.
/// </summary>
[Collection(IsolatedEnginesCollection.Name)]
public sealed class IsolatedLiveOutputTests(IsolatedHubClusterFixture fixture) : LiveOutputTests(fixture), IClassFixture<IsolatedHubClusterFixture>;
