namespace Orleans.Parallel.Hub;

/// <summary>
/// Stands in a task record for a result too large to keep in the task store (see the silo's
/// task-store options); the client that submitted the task received the value itself.
/// </summary>
/// <param name="TypeName">The result's type.</param>
/// <param name="ByteLength">How many bytes it had.</param>
/// <param name="Limit">The store's limit per result, in bytes.</param>
[GenerateSerializer, Immutable, Alias("op.ResultNotKept")]
public sealed record ResultNotKept(
    [property: Id(0)] string TypeName,
    [property: Id(1)] long ByteLength,
    [property: Id(2)] long Limit);
