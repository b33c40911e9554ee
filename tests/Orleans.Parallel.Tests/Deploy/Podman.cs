using System.Diagnostics;
using System.Text;

namespace Orleans.Parallel.Tests.Deploy;

/// <summary>
/// Runs podman (and the scripts in deploy/) for the container tests, and finds the repository they
/// build from. The image is built once per test run, by deploy/build-image.sh with local base images
/// (no registry is reachable here), which installs podman itself when run as root, as CI runs it.
/// </summary>
internal static class Podman
{
    public const string Image = "localhost/orleans-parallel-silo:test";

    private static readonly SemaphoreSlim Building = new(1, 1);
    private static bool _built;

    /// <summary>The repository's root: the folder above the test binaries that holds deploy/.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "deploy", "build-image.sh"))) return dir.FullName;
        throw new InvalidOperationException($"No deploy/build-image.sh above {AppContext.BaseDirectory}: the container tests run from the repository's build output.");
    }

    /// <summary>Builds <see cref="Image"/> from deploy/Dockerfile, once per test run.</summary>
    public static async Task BuildImageAsync()
    {
        await Building.WaitAsync();
        try
        {
            if (_built) return;
            var (exit, output) = await RunAsync(Path.Combine(RepositoryRoot, "deploy", "build-image.sh"), [Image],
                new Dictionary<string, string> { ["OP_LOCAL_BASE"] = "1" }, TimeSpan.FromMinutes(15));
            if (exit != 0) throw new InvalidOperationException($"deploy/build-image.sh failed ({exit}):\n{output}");
            _built = true;
        }
        finally
        {
            Building.Release();
        }
    }

    /// <summary>Runs podman with <paramref name="arguments"/>; throws with its output if it fails.</summary>
    public static async Task<string> CheckedAsync(params string[] arguments)
    {
        var (exit, output) = await RunAsync("podman", arguments);
        if (exit != 0) throw new InvalidOperationException($"podman {string.Join(' ', arguments)} failed ({exit}):\n{output}");
        return output;
    }

    /// <summary>Runs a program to its end: its exit code, and its output and errors together.</summary>
    public static async Task<(int Exit, string Output)> RunAsync(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout ?? TimeSpan.FromMinutes(2));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not end within {timeout ?? TimeSpan.FromMinutes(2)}:\n{output}");
        }
        process.WaitForExit(); // the output's last lines
        lock (output) return (process.ExitCode, output.ToString());
    }
}
