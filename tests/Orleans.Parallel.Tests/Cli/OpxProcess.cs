using System.Diagnostics;
using Orleans.Parallel.Security;

namespace Orleans.Parallel.Tests.Cli;

/// <summary>What a finished <c>opx</c> run gave: its exit code and everything it wrote.</summary>
public sealed record OpxOutcome(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}

/// <summary>
/// The real <c>opx</c> tool (opx.dll built next to the tests) as a child process with redirected
/// output, as a script runs it, with the tests' OP_HOME so it finds the tests' clusters.
/// </summary>
public sealed class OpxProcess : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stdout;

    private OpxProcess(Process process)
    {
        _process = process;
        _stdout = process.StandardOutput.ReadToEndAsync();
    }

    /// <summary>Its standard error, for reading line by line while it runs.</summary>
    public StreamReader Stderr => _process.StandardError;

    public static OpxProcess Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.Environment[ConnectionFile.HomeVariable] = ConnectionFile.Root;
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "opx.dll"));
        foreach (var argument in args) start.ArgumentList.Add(argument);
        return new OpxProcess(Process.Start(start)!);
    }

    /// <summary>Runs opx to its end (at most <paramref name="patience"/>).</summary>
    public static async Task<OpxOutcome> RunAsync(TimeSpan patience, params string[] args)
    {
        using var opx = Start(args);
        return await opx.EndAsync(patience);
    }

    /// <summary>Waits for the end, reading what is left of its output.</summary>
    public async Task<OpxOutcome> EndAsync(TimeSpan patience)
    {
        var stderr = _process.StandardError.ReadToEndAsync();
        await _process.WaitForExitAsync().WaitAsync(patience);
        return new OpxOutcome(_process.ExitCode, await _stdout.WaitAsync(patience), await stderr.WaitAsync(patience));
    }

    /// <summary>Ends it if it still runs (a test that failed halfway), then lets it go.</summary>
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
    }
}
