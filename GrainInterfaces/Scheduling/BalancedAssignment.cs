using Orleans.Parallel.Engine;

namespace Orleans.Parallel.Scheduling;

/// <summary>A load-balanced task handed to an engine by a task queue.</summary>
/// <param name="Task">The task, as the engine runs it (its sequence number is ignored).</param>
/// <param name="Observer">The submitting client, which receives the reply.</param>
/// <param name="ReportFailure">Whether a failure goes back to the queue (to be retried elsewhere) instead of to the client.</param>
/// <param name="Require">What the engine must have; if it lacks it, the task goes back to the queue unrun.</param>
[GenerateSerializer, Immutable, Alias("op.BalancedAssignment")]
public sealed record BalancedAssignment(
    [property: Id(0)] EngineTask Task,
    [property: Id(1)] ITaskObserver Observer,
    [property: Id(2)] bool ReportFailure,
    [property: Id(3)] TaskRequirement? Require);
