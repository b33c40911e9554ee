using Orleans.Parallel.Bulk;

namespace Orleans.Parallel.Registry;

/// <summary>
/// One live engine: its id, the grain that is it, and where it runs (<see cref="SiloAddress"/> is the
/// silo's address as Orleans' membership names it, so the registry can drop the engines of a silo
/// that died).
/// </summary>
[GenerateSerializer, Immutable, Alias("op.EngineEntry")]
public sealed record EngineEntry(
    [property: Id(0)] int EngineId,
    [property: Id(1)] Guid Incarnation,
    [property: Id(2)] string SiloName,
    [property: Id(3)] BulkEndpoint? Bulk,
    [property: Id(4)] string SiloAddress = "");

/// <summary>
/// The registry's engines, sorted by id, and the version of that list. Versions count up within one
/// activation of the registry (<see cref="Epoch"/>): pushes can arrive out of order, and a client
/// keeps the newest of an epoch; a new epoch (the registry was activated again) is always taken.
/// <see cref="IdsGivenOut"/> tells any client, even one that connected after an engine left, which
/// ids have left: every id below it that is not listed.
/// </summary>
[GenerateSerializer, Immutable, Alias("op.EngineDirectory")]
public sealed record EngineDirectory(
    [property: Id(0)] long Version,
    [property: Id(1)] IReadOnlyList<EngineEntry> Engines,
    [property: Id(2)] Guid Epoch = default,
    [property: Id(3)] int IdsGivenOut = 0)
{
    /// <summary>Whether <paramref name="engineId"/> was given out and is not listed now: its engine left (stopped, or its silo died).</summary>
    public bool HasLeft(int engineId) =>
        engineId >= 0 && engineId < IdsGivenOut && !Engines.Any(e => e.EngineId == engineId);

    /// <summary>Whether this list is newer than <paramref name="held"/> (same epoch and a higher version, or another epoch).</summary>
    public bool IsNewerThan(EngineDirectory held) => Epoch != held.Epoch || Version > held.Version;
}
