namespace Orleans.Parallel.Grains.Isolation.Parent;

/// <summary>How an engine's process ended, in words a user can act on.</summary>
/// <param name="ExitCode">The process's exit code (128 + the signal for one a signal ended, as .NET reports it); null if unknown.</param>
/// <param name="KilledBecause">Why the silo killed it, when it did (an interrupt, a limit).</param>
/// <param name="ByParent">The silo ended it on purpose (interrupt, shutdown): no one is told it was lost.</param>
/// <param name="LastWords">The last lines the process wrote to its own standard error (the runtime's "Stack overflow.", an unhandled exception).</param>
internal sealed record ChildExit(int? ExitCode, string? KilledBecause, bool ByParent, IReadOnlyList<string> LastWords)
{
    private const int SigAbrt = 6, SigKill = 9, SigSegv = 11, SigTerm = 15;

    /// <summary>"it exited with code 3", "it overflowed its stack", "it was killed (SIGKILL), …".</summary>
    public string Describe()
    {
        if (KilledBecause is not null) return KilledBecause;
        var said = LastWords.FirstOrDefault(l => l.Length > 0)?.Trim();
        var cause = ExitCode switch
        {
            null => "it ended",
            _ when LastWords.Any(l => l.Contains("Stack overflow", StringComparison.Ordinal)) => "it overflowed its stack (the runtime ends a process on a stack overflow)",
            _ when LastWords.Any(l => l.Contains("OutOfMemoryException", StringComparison.Ordinal)) => "it ran out of memory",
            128 + SigKill => "it was killed with SIGKILL, most likely by the kernel's out-of-memory killer (its memory is bounded by the machine, a cgroup, or --engine-memory-limit)",
            128 + SigAbrt => "it aborted (SIGABRT)",
            128 + SigSegv => "it crashed with a segmentation fault (SIGSEGV)",
            128 + SigTerm => "it was terminated (SIGTERM)",
            var code => $"it exited with code {code}",
        };
        return said is null || cause.Contains("overflowed", StringComparison.Ordinal) && said.StartsWith("Stack overflow", StringComparison.Ordinal)
            ? cause
            : $"{cause}; its last words: \"{Shorten(said)}\"";
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";
}

/// <summary>An engine's process is gone; <see cref="Exit"/> says how.</summary>
internal sealed class ChildGoneException(ChildExit exit) : Exception($"The engine's process ended: {exit.Describe()}.")
{
    public ChildExit Exit { get; } = exit;
}
