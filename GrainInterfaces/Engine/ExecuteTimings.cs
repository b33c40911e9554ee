namespace Orleans.Parallel.Engine;

/// <summary>
/// Where an Execute's time went on its engine, in milliseconds: what <c>--breakdown</c> prints and what
/// a user reads from a task's metadata when a line is slower than expected. A script the silo had
/// compiled already (<see cref="Compiled"/> false) costs only the lookup and the run.
/// </summary>
/// <param name="Compiled">This Execute compiled its script; false when the silo's cache had it (or another engine was compiling it).</param>
/// <param name="PrepareMs">Finding the names the code uses, the cache lookup, parsing, and the reference set.</param>
/// <param name="DeclareMs">Roslyn binding the references, imports and declarations.</param>
/// <param name="EmitMs">Roslyn binding the statements, lowering them and writing the assembly.</param>
/// <param name="LoadMs">Loading the assembly into the silo (once per silo and client session) and finding its entry point.</param>
/// <param name="RunMs">Running the script, including the JIT compiling it on its first run.</param>
[GenerateSerializer, Immutable, Alias("op.ExecuteTimings")]
public sealed record ExecuteTimings(
    [property: Id(0)] bool Compiled,
    [property: Id(1)] double PrepareMs,
    [property: Id(2)] double DeclareMs,
    [property: Id(3)] double EmitMs,
    [property: Id(4)] double LoadMs,
    [property: Id(5)] double RunMs)
{
    /// <summary>The whole time on the engine for the script.</summary>
    public double TotalMs => PrepareMs + DeclareMs + EmitMs + LoadMs + RunMs;
}
