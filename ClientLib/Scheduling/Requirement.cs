namespace Orleans.Parallel.Scheduling;

/// <summary>
/// What an engine must have before it takes a load-balanced task (ipyparallel's <c>@require</c>):
/// variables in its namespace, assemblies it can load, and a predicate that holds there. An engine
/// that lacks any is skipped and the task goes to another; when none is left, the task fails with
/// <see cref="Errors.ImpossibleDependencyException"/>.
/// <c>lb.With(require: new Requirement { Variables = ["model"], Predicate = () => Environment.ProcessorCount >= 2 })</c>
/// </summary>
public sealed record Requirement
{
    /// <summary>Names that must be defined in the engine's namespace.</summary>
    public IReadOnlyList<string> Variables { get; init; } = [];

    /// <summary>Simple names of assemblies the engine must be able to load (for example "System.Numerics.Tensors").</summary>
    public IReadOnlyList<string> Assemblies { get; init; } = [];

    /// <summary>A function run on the engine first; the engine takes the task only if it returns true. Null for none.</summary>
    public Func<bool>? Predicate { get; init; }
}
