using System.Diagnostics;

namespace Orleans.Parallel.Benchmarks;

/// <summary>Runs the reference workload, ipp_bench.py, on ipyparallel in this session for a side-by-side comparison.</summary>
internal static class IppBaseline
{
    private const string ScriptPath = "shared/anchors/ipp_bench.py";

    /// <summary>ipyparallel's figures, or null (with the reason printed) when it cannot run here.</summary>
    public static async Task<Figures?> RunAsync(int engines, string? script, CancellationToken cancellationToken)
    {
        script ??= FindScript();
        if (script is null || !File.Exists(script))
        {
            Console.Error.WriteLine($"ipyparallel baseline skipped: {script ?? ScriptPath} not found (pass --ipp-script).");
            return null;
        }
        var python = await FindPythonAsync(cancellationToken);
        if (python is null)
        {
            Console.Error.WriteLine(
                "ipyparallel baseline skipped: no python3 with ipyparallel and numpy was found. Install it with: apt-get install -y python3-ipyparallel");
            return null;
        }
        var json = Path.Combine(Path.GetTempPath(), $"ipp_bench_{Environment.ProcessId}.json");
        try
        {
            Console.WriteLine($"\nipyparallel: {python} {script} --engines {engines}");
            var (exit, output) = await RunAsync(python, [script, "--engines", engines.ToString(), "--json", json], cancellationToken);
            Console.Write(output);
            if (exit != 0 || !File.Exists(json))
            {
                Console.Error.WriteLine($"ipyparallel baseline failed (exit code {exit}).");
                return null;
            }
            return Figures.ReadJson(json);
        }
        finally
        {
            File.Delete(json);
        }
    }

    /// <summary>The shared folder sits beside the repository: look upwards from here and from the build output.</summary>
    private static string? FindScript()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (Path.Combine(dir.FullName, ScriptPath) is var candidate && File.Exists(candidate)) return candidate;
        return null;
    }

    /// <summary>The first python3 that imports ipyparallel: a pyenv or venv python3 on PATH may lack the Debian package.</summary>
    private static async Task<string?> FindPythonAsync(CancellationToken cancellationToken)
    {
        foreach (var python in new[] { "python3", "/usr/bin/python3" })
        {
            try
            {
                if ((await RunAsync(python, ["-c", "import ipyparallel, numpy"], cancellationToken)).Exit == 0) return python;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // not installed under this name
            }
        }
        return null;
    }

    private static async Task<(int Exit, string Output)> RunAsync(string file, string[] args, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}
