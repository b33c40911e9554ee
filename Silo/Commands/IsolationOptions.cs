using System.CommandLine;
using Orleans.Parallel.Hosting;

namespace Orleans.Parallel.Commands;

/// <summary>
/// The command-line options that isolate engines, the same for the silo tool and <c>opx start</c>
/// (this file is compiled into both).
/// </summary>
internal static class IsolationOptions
{
    public static (Option<EngineIsolation> Isolation, Option<string?> EngineMemoryLimit, Option<double?> TaskCpuLimit) Create(SiloSettings defaults)
    {
        var isolation = new Option<EngineIsolation>("--isolation")
        {
            Description = "Where engines run user code: inprocess (in the silo, the fastest) or process (each engine in a process of its own, which a crash, Environment.Exit or an interrupt ends without touching the silo or the other engines).",
            DefaultValueFactory = _ => defaults.Isolation,
        };
        var memory = new Option<string?>("--engine-memory-limit")
        {
            Description = "With --isolation process: each engine process's GC heap hard limit, a size (2GiB) or a share of the machine's memory (10%); a task allocating past it fails with OutOfMemoryException.",
            DefaultValueFactory = _ => defaults.EngineMemoryLimit,
        };
        var cpu = new Option<double?>("--task-cpu-limit")
        {
            Description = "With --isolation process: the most processor seconds one task may use; past it the task's process is killed, the task fails and the engine restarts empty.",
            DefaultValueFactory = _ => defaults.TaskCpuLimit?.TotalSeconds,
        };
        memory.Validators.Add(r =>
        {
            try { new SiloSettings { EngineMemoryLimit = r.GetValueOrDefault<string?>() }.EngineMemoryBytes(); }
            catch (ArgumentException e) { r.AddError($"--engine-memory-limit: {e.Message}"); }
        });
        cpu.Validators.Add(r => { if (r.GetValueOrDefault<double?>() is <= 0) r.AddError("--task-cpu-limit must be a positive number of seconds."); });
        return (isolation, memory, cpu);
    }
}
