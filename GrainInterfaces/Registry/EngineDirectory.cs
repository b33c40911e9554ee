using Orleans.Parallel.Bulk;

namespace Orleans.Parallel.Registry;

/// <summary>One live engine: its id, the grain that is it, and where it runs.</summary>
[GenerateSerializer, Immutable, Alias("op.EngineEntry")]
public sealed record EngineEntry(
    [property: Id(0)] int EngineId,
    [property: Id(1)] Guid Incarnation,
    [property: Id(2)] string SiloName,
    [property: Id(3)] BulkEndpoint? Bulk);

/// <summary>The registry's engines, sorted by id, and the version of that list.</summary>
[GenerateSerializer, Immutable, Alias("op.EngineDirectory")]
public sealed record EngineDirectory(
    [property: Id(0)] long Version,
    [property: Id(1)] IReadOnlyList<EngineEntry> Engines);
