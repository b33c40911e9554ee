namespace Orleans.Parallel.Hub;

/// <summary>
/// The cluster at one moment, as <c>opx status</c> shows it: its silos and their engines, every
/// engine's queue, the load-balanced tasks no engine has taken, and where task records are kept.
/// </summary>
/// <param name="Silos">The active silos, by name.</param>
/// <param name="Queues">Each engine's queue and the unassigned tasks (counts only).</param>
/// <param name="TaskStore">The task store the silos write to.</param>
[GenerateSerializer, Immutable, Alias("op.ClusterStatus")]
public sealed record ClusterStatus(
    [property: Id(0)] IReadOnlyList<ClusterSilo> Silos,
    [property: Id(1)] QueueStatus Queues,
    [property: Id(2)] TaskStoreStatus TaskStore);

/// <summary>One active silo.</summary>
/// <param name="Name">Its name (Orleans' silo name).</param>
/// <param name="Address">Its address as Orleans' membership gives it (address:port@generation).</param>
/// <param name="HostName">The machine (or container) it runs on.</param>
/// <param name="Started">When it started (UTC).</param>
/// <param name="EngineIds">The engines it hosts, in id order.</param>
[GenerateSerializer, Immutable, Alias("op.ClusterSilo")]
public sealed record ClusterSilo(
    [property: Id(0)] string Name,
    [property: Id(1)] string Address,
    [property: Id(2)] string HostName,
    [property: Id(3)] DateTime Started,
    [property: Id(4)] IReadOnlyList<int> EngineIds);

/// <summary>Where task records are kept, and how many there are.</summary>
/// <param name="Kind">"memory", "postgres" or "none".</param>
/// <param name="Records">How many records the store holds; null when it keeps none.</param>
/// <param name="Pending">How many of them are of tasks not ended yet; null when it keeps none.</param>
[GenerateSerializer, Immutable, Alias("op.TaskStoreStatus")]
public sealed record TaskStoreStatus(
    [property: Id(0)] string Kind,
    [property: Id(1)] int? Records,
    [property: Id(2)] int? Pending);
