using Orleans.Parallel.Wire;

namespace Orleans.Parallel.Scheduling;

/// <summary>
/// What an engine must have to take a task: namespace variables, loaded assemblies and a predicate
/// run on the engine. An engine that lacks any is skipped (the task goes elsewhere), not failed.
/// </summary>
/// <param name="Variables">Names that must be defined in the engine's namespace.</param>
/// <param name="Assemblies">Simple names of assemblies that must be loaded in the engine's process.</param>
/// <param name="Predicate">A <c>Func&lt;bool&gt;</c> that must return true on the engine; null for none.</param>
[GenerateSerializer, Immutable, Alias("op.TaskRequirement")]
public sealed record TaskRequirement(
    [property: Id(0)] IReadOnlyList<string> Variables,
    [property: Id(1)] IReadOnlyList<string> Assemblies,
    [property: Id(2)] FunctionPayload? Predicate);
