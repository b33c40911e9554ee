namespace Orleans.Parallel.Grains.Isolation;

/// <summary>How a silo runs isolated engines (<see cref="EngineIsolation.Process"/>).</summary>
public sealed class EngineProcessOptions
{
    /// <summary>Where this silo's engines run user code. Default: <see cref="EngineIsolation.InProcess"/>.</summary>
    public EngineIsolation Isolation { get; set; } = EngineIsolation.InProcess;

    /// <summary>The GC heap hard limit of each engine process, in bytes (an allocating task then fails with <see cref="OutOfMemoryException"/>); null for none.</summary>
    public long? MemoryLimit { get; set; }

    /// <summary>
    /// The most processor time one task may use; a task past it has its process killed and fails
    /// with <c>EngineException</c> (the engine restarts empty). Null for no limit.
    /// </summary>
    public TimeSpan? TaskCpuLimit { get; set; }

    /// <summary>How long a new engine process may take to answer (it loads the runtime and Orleans' serializer).</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The engine process's program (<c>Orleans.Parallel.EngineProcess.dll</c>); null to find it
    /// beside this library or in the application's folder.
    /// </summary>
    public string? Program { get; set; }
}
