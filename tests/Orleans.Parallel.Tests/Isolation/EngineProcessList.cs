using System.Diagnostics;

namespace Orleans.Parallel.Tests.Isolation;

/// <summary>The engine processes a silo process started, as Linux lists them in /proc.</summary>
public static class EngineProcessList
{
    /// <summary>The children of <paramref name="silo"/> that run the engine program.</summary>
    public static List<int> Of(int silo)
    {
        var found = new List<int>();
        foreach (var dir in Directory.GetDirectories("/proc"))
            if (int.TryParse(Path.GetFileName(dir), out var pid) && IsEngineOf(pid, silo)) found.Add(pid);
        return found;
    }

    /// <summary>Whether <paramref name="pid"/> is an engine process that <paramref name="silo"/> started.</summary>
    public static bool IsEngineOf(int pid, int silo)
    {
        try
        {
            return Grains.Isolation.Parent.ProcessTree.ParentOf(pid) == silo
                && File.ReadAllText($"/proc/{pid}/cmdline").Contains("Orleans.Parallel.EngineProcess.dll", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { return false; }
    }

    /// <summary>Whether the process has ended (or never was).</summary>
    public static bool Gone(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException) { return true; }
    }
}
