using System.Diagnostics;
using System.Globalization;

namespace Orleans.Parallel.Grains.Isolation.Parent;

/// <summary>
/// Kills an engine's process and whatever its tasks started, without stopping anything first.
/// .NET's <c>Process.Kill(entireProcessTree: true)</c> sends SIGSTOP to the process, lists its children,
/// then sends SIGKILL: a silo killed between the two (a service manager's stop timeout, the OOM killer)
/// leaves the engine process stopped for good, holding its memory, with nobody to end it (a test run
/// left one). Here the descendants are listed first, the process is killed at once, then them.
/// </summary>
internal static class ProcessTree
{
    /// <summary>Kills <paramref name="process"/>, then its descendants (on Linux; elsewhere .NET's tree kill). Nothing happens if it has exited.</summary>
    public static void Kill(Process process)
    {
        if (!OperatingSystem.IsLinux())
        {
            process.Kill(entireProcessTree: true);
            return;
        }
        var descendants = Descendants(process.Id);
        process.Kill(); // SIGKILL: it starts nothing more, and nothing can leave it stopped
        foreach (var pid in descendants)
        {
            try
            {
                using var descendant = Process.GetProcessById(pid);
                descendant.Kill();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // It has ended meanwhile, or is not ours to kill.
            }
        }
    }

    /// <summary>The processes below <paramref name="root"/>, from its parent links in <c>/proc</c>.</summary>
    internal static List<int> Descendants(int root)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            if (ParentOf(pid) is not { } parent) continue;
            if (!children.TryGetValue(parent, out var list)) children[parent] = list = [];
            list.Add(pid);
        }
        var found = new List<int>();
        var pending = new Queue<int>([root]);
        while (pending.TryDequeue(out var pid))
        {
            if (!children.TryGetValue(pid, out var below)) continue;
            foreach (var child in below)
            {
                found.Add(child);
                pending.Enqueue(child);
            }
        }
        return found;
    }

    /// <summary>The parent's id from <c>/proc/PID/stat</c> (after the command name, which may hold spaces and parentheses); null once it has ended.</summary>
    internal static int? ParentOf(int pid)
    {
        string stat;
        try { stat = File.ReadAllText($"/proc/{pid}/stat"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; } // ended meanwhile
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return fields.Length > 1 && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var parent) ? parent : null;
    }
}
