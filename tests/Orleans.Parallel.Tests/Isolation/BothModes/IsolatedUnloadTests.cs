using Orleans.Parallel.Tests.Code;

namespace Orleans.Parallel.Tests.Isolation.BothModes;

/// <summary><see cref="UnloadTests"/> against isolated engines.</summary>
[Collection(IsolatedEnginesCollection.Name)]
public sealed class IsolatedUnloadTests(IsolatedEnginesFixture fixture) : UnloadTests(fixture);
