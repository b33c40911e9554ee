namespace Orleans.Parallel.Scheduling;

/// <summary>
/// Which task queue accepted a batch, and that queue's activation (<paramref name="Epoch"/>). A
/// client that later finds another epoch there knows the queue was lost with what it held.
/// </summary>
[GenerateSerializer, Immutable, Alias("op.QueueTicket")]
public sealed record QueueTicket([property: Id(0)] string Queue, [property: Id(1)] Guid Epoch);
