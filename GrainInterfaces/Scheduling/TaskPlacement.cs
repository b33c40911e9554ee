namespace Orleans.Parallel.Scheduling;

/// <summary>Where a load-balanced task may run and how long it may wait for an engine.</summary>
/// <param name="Targets">The engines it may run on; null for any engine.</param>
/// <param name="Excluded">Engines it must not run on (it already failed there).</param>
/// <param name="Retries">How many times a failure is re-run on another engine.</param>
/// <param name="Timeout">How long it may still wait for an engine, counted from its arrival at the scheduler; null for ever.</param>
/// <param name="Require">What an engine must have before it takes the task; null for nothing.</param>
[GenerateSerializer, Immutable, Alias("op.TaskPlacement")]
public sealed record TaskPlacement(
    [property: Id(0)] IReadOnlyList<int>? Targets,
    [property: Id(1)] IReadOnlyList<int> Excluded,
    [property: Id(2)] int Retries,
    [property: Id(3)] TimeSpan? Timeout,
    [property: Id(4)] TaskRequirement? Require)
{
    /// <summary>Any engine, no retries, no timeout, no requirement.</summary>
    public static readonly TaskPlacement Anywhere = new(null, [], 0, null, null);
}
