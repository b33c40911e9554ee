using Orleans.Parallel.Tests.Engine;

namespace Orleans.Parallel.Tests.Isolation.BothModes;

/// <summary><see cref="ScriptChainTests"/> against isolated engines.</summary>
[Collection(IsolatedEnginesCollection.Name)]
public sealed class IsolatedScriptChainTests(IsolatedEnginesFixture fixture) : ScriptChainTests(fixture);
