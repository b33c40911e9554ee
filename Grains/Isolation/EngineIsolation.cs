namespace Orleans.Parallel;

/// <summary>Where an engine runs the user's code.</summary>
public enum EngineIsolation
{
    /// <summary>
    /// In the silo process, on the silo's engine threads: the fastest, and the default. User code
    /// shares the silo's fate (an <c>Environment.Exit</c> or a stack overflow ends every engine of the
    /// silo), and an interrupt can only abandon a thread that ignores its token.
    /// </summary>
    InProcess,

    /// <summary>
    /// In a process of its own that the engine grain starts and owns, as ipyparallel's engines are
    /// processes: a crash ends that engine's process only (its task fails saying why, and the engine
    /// restarts empty), an interrupt kills the process, and each process can be given a memory limit.
    /// </summary>
    Process,
}
