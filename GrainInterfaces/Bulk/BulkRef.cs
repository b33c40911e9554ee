namespace Orleans.Parallel.Bulk;

/// <summary>
/// Stands in a message for a primitive array that travels on the bulk path: the receiver takes the
/// bytes by <see cref="Token"/>, straight into a new array of <see cref="ElementType"/>.
/// </summary>
/// <param name="Token">The one-time name of the transfer.</param>
/// <param name="ElementType">The element type's full name (a primitive such as System.Double).</param>
/// <param name="ByteLength">How many bytes the array has.</param>
/// <param name="Source">
/// Where to fetch the bytes: the silo holding them, for results. Null when the sender already sent
/// them to the receiver's silo (requests).
/// </param>
[GenerateSerializer, Immutable, Alias("op.BulkRef")]
public sealed record BulkRef(
    [property: Id(0)] Guid Token,
    [property: Id(1)] string ElementType,
    [property: Id(2)] long ByteLength,
    [property: Id(3)] BulkEndpoint? Source);

/// <summary>Finds the bulk transfer behind a value.</summary>
public static class BulkRefs
{
    /// <summary>The bulk transfer a value stands on: its own array, or the data of a large user value or memory; null for a value carried in the message.</summary>
    public static BulkRef? In(object? value) => value switch
    {
        BulkRef bulk => bulk,
        Wire.UserValue { Data: BulkRef bulk } => bulk,
        Wire.MemoryValue { Data: BulkRef bulk } => bulk,
        _ => null,
    };
}
