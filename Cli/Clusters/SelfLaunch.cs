using System.Diagnostics;

namespace Orleans.Parallel.Cli.Clusters;

/// <summary>
/// Starts this program again as the background process of <c>opx start --daemon</c>
/// (<c>ipcluster start --daemonize</c>): detached from the terminal, its input empty, and everything
/// it writes, the runtime's own last words included, appended to the cluster's log.
/// </summary>
internal static class SelfLaunch
{
    public static Process Start(IReadOnlyList<string> arguments, string logFile)
    {
        var (program, prefix) = ThisProgram();
        ProcessStartInfo start;
        if (OperatingSystem.IsWindows())
        {
            // No shell to redirect with: the child writes its own log (--log-file); it has no console window.
            start = new ProcessStartInfo(program) { UseShellExecute = false, CreateNoWindow = true, RedirectStandardInput = true };
            foreach (var argument in prefix.Concat(arguments).Concat(["--log-file", logFile])) start.ArgumentList.Add(argument);
        }
        else
        {
            // The shell redirects at the file descriptors and then becomes the program (same pid);
            // setsid, where there is one, gives it its own session, so the terminal's Ctrl-C and
            // hang-up no longer reach it.
            start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add("log=\"$1\"; shift; exec \"$@\" </dev/null >>\"$log\" 2>&1");
            start.ArgumentList.Add("opx-daemon");
            start.ArgumentList.Add(logFile);
            if (File.Exists("/usr/bin/setsid")) { start.ArgumentList.Add("/usr/bin/setsid"); start.ArgumentList.Add("--wait"); }
            foreach (var argument in prefix.Concat(arguments).Prepend(program)) start.ArgumentList.Add(argument);
        }
        return Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
    }

    /// <summary>The executable to run, and the arguments before ours: the tool's own apphost, or <c>dotnet opx.dll</c>.</summary>
    private static (string Program, string[] Prefix) ThisProgram()
    {
        var process = Environment.ProcessPath ?? throw new InvalidOperationException("This process's executable is not known; start the cluster without --daemon.");
        return Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase)
            ? (process, [typeof(SelfLaunch).Assembly.Location])
            : (process, []);
    }
}
