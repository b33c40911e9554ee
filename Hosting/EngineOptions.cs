namespace Orleans.Parallel.Hosting;

/// <summary>How many engines a silo starts.</summary>
public sealed class EngineOptions
{
    /// <summary>Engines this silo hosts. Default: the machine's processor count.</summary>
    public int Engines { get; set; } = Environment.ProcessorCount;

    /// <summary>
    /// Compile a first script in the background once the engines are up, so the user's first
    /// <c>Execute</c> does not pay for loading and compiling Roslyn (seconds). Default: true.
    /// </summary>
    public bool WarmUpScripts { get; set; } = true;

    /// <summary>
    /// Where the engines run user code: in the silo process (<see cref="EngineIsolation.InProcess"/>, the
    /// default and the fastest) or each in a process of its own (<see cref="EngineIsolation.Process"/>),
    /// which a crash, an <c>Environment.Exit</c> or an interrupt ends without touching the silo or the
    /// other engines.
    /// </summary>
    public EngineIsolation Isolation { get; set; } = EngineIsolation.InProcess;

    /// <summary>
    /// With <see cref="EngineIsolation.Process"/>: the GC heap hard limit of each engine's process, in
    /// bytes; a task that allocates past it fails with <see cref="OutOfMemoryException"/> and the engine
    /// keeps its namespace. Null (the default): no limit of its own.
    /// </summary>
    public long? EngineMemoryLimit { get; set; }

    /// <summary>
    /// With <see cref="EngineIsolation.Process"/>: the most processor time one task may use. A task past
    /// it has its process killed and fails with <c>EngineException</c>; the engine restarts empty. Null
    /// (the default): no limit.
    /// </summary>
    public TimeSpan? TaskCpuLimit { get; set; }

    internal void Validate()
    {
        if (Engines < 0) throw new ArgumentOutOfRangeException(nameof(Engines), Engines, "The number of engines cannot be negative.");
        if (!Enum.IsDefined(Isolation)) throw new ArgumentOutOfRangeException(nameof(Isolation), Isolation, "Isolation is InProcess or Process.");
        if (EngineMemoryLimit is <= 0) throw new ArgumentOutOfRangeException(nameof(EngineMemoryLimit), EngineMemoryLimit, "An engine memory limit must be a positive number of bytes.");
        if (TaskCpuLimit is { } cpu && cpu <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(TaskCpuLimit), cpu, "A task's processor-time limit must be positive.");
        if (Isolation == EngineIsolation.InProcess && (EngineMemoryLimit is not null || TaskCpuLimit is not null))
            throw new ArgumentException(
                "EngineMemoryLimit and TaskCpuLimit apply to engines in processes of their own: set Isolation = EngineIsolation.Process, " +
                "or bound in-process engines with the silo's heap limit.", nameof(Isolation));
    }
}
