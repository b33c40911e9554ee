namespace Orleans.Parallel.Grains;

/// <summary>
/// The grain storage Orleans.Parallel keeps what must outlive a silo in: the engine registry's list
/// and id counter. The silo program points it at the membership store (Redis or Azure Table); a host
/// that names no storage of its own gets Orleans' memory storage, which outlives one silo but not the
/// cluster.
/// </summary>
public static class DurableStorage
{
    /// <summary>The storage provider's name.</summary>
    public const string Name = "op-durable";
}
