using System.Diagnostics;
using System.Runtime.InteropServices;
using Orleans.Parallel.Hosting;

namespace Orleans.Parallel.Testing;

/// <summary>
/// A real silo process (the Silo executable built next to the calling assembly), started on free
/// loopback ports; ready once it prints its ready line. Shared by the process tests and the benchmarks.
/// </summary>
public sealed partial class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private SiloProcess(Process process, int gatewayPort, int siloPort)
    {
        _process = process;
        GatewayPort = gatewayPort;
        SiloPort = siloPort;
    }

    public int GatewayPort { get; }
    public int SiloPort { get; }
    public int ProcessId => _process.Id;
    public bool HasExited => _process.HasExited;

    /// <summary>A field of the silo's /proc/PID/status, in kB (VmRSS: resident now; VmHWM: the peak).</summary>
    public long StatusKilobytes(string field) => StatusValue(field);

    /// <summary>A number from the silo's <c>/proc/PID/status</c>, such as <c>Threads</c> or <c>VmRSS</c> (in kB).</summary>
    public long StatusValue(string field) =>
        long.Parse(File.ReadLines($"/proc/{ProcessId}/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal))
            .Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1]);

    /// <summary>Everything the silo printed so far (stdout and stderr).</summary>
    public string Output { get { lock (_output) return string.Join("\n", _output); } }

    public ParallelClientOptions ClientOptions => new() { GatewayPort = GatewayPort };

    public static Task<SiloProcess> StartAsync(int engines, TimeSpan? timeout = null, params string[] extraArgs) =>
        StartAsync(engines, environment: null, timeout, extraArgs);

    /// <summary>Starts a silo process with <paramref name="environment"/> added to this process's environment.</summary>
    public static async Task<SiloProcess> StartAsync(int engines, IReadOnlyDictionary<string, string>? environment, TimeSpan? timeout = null, params string[] extraArgs)
    {
        // Another program can bind a chosen port before the silo does; then it starts again on new ports.
        for (var attempt = 1; ; attempt++)
        {
            try { return await StartOnFreePortsAsync(engines, environment, timeout, extraArgs); }
            catch (SiloStartException e) when (attempt < 3 && e.PortTaken) { }
        }
    }

    private static async Task<SiloProcess> StartOnFreePortsAsync(int engines, IReadOnlyDictionary<string, string>? environment, TimeSpan? timeout, string[] extraArgs)
    {
        var silo = Path.Combine(AppContext.BaseDirectory, "Orleans.Parallel.Silo.dll");
        if (!File.Exists(silo)) throw new FileNotFoundException("The Silo executable was not built next to this assembly.", silo);
        var ports = LoopbackPorts.Reserve(2);
        int siloPort = ports[0], gatewayPort = ports[1];
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        foreach (var arg in new[] { silo, "--engines", engines.ToString(), "--silo-port", siloPort.ToString(), "--gateway-port", gatewayPort.ToString(), "--parent-pid", Environment.ProcessId.ToString() }.Concat(extraArgs))
            start.ArgumentList.Add(arg);
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the silo process.");
        var result = new SiloProcess(process, gatewayPort, siloPort);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) => result.Collect(e.Data, ready);
        process.ErrorDataReceived += (_, e) => result.Collect(e.Data, ready);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync();
        var wait = timeout ?? TimeSpan.FromSeconds(60);
        var first = await Task.WhenAny(ready.Task, exited, Task.Delay(wait));
        if (first != ready.Task)
        {
            var exitedEarly = process.HasExited; // read before disposing, which drops the process handle
            await result.DisposeAsync();
            throw new SiloStartException(
                $"The silo process did not become ready within {wait} (exited: {exitedEarly}). Output:\n{result.Output}",
                portTaken: exitedEarly && result.Output.Contains("Address already in use", StringComparison.OrdinalIgnoreCase));
        }
        return result;
    }

    private sealed class SiloStartException(string message, bool portTaken) : InvalidOperationException(message)
    {
        public bool PortTaken { get; } = portTaken;
    }

    private void Collect(string? line, TaskCompletionSource ready)
    {
        if (line is null) return;
        lock (_output) _output.Add(line);
        if (EchoOutput) Console.WriteLine($"[silo] {line}");
        if (line.Contains("silo ready", StringComparison.Ordinal)) ready.TrySetResult();
    }

    /// <summary>Whether silo output is echoed to this console as it comes (set OP_SILO_ECHO=1 when debugging).</summary>
    private static readonly bool EchoOutput = Environment.GetEnvironmentVariable("OP_SILO_ECHO") is "1";

    /// <summary>Ends the process at once, like a machine failure.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>
    /// Asks for a graceful shutdown with SIGTERM, as a service manager or container runtime does, and
    /// waits for its exit code. Not SIGINT: a process started in the background of a shell script
    /// inherits SIGINT ignored, and then nothing would stop the silo.
    /// </summary>
    public async Task<int> StopAsync(TimeSpan? timeout = null)
    {
        const int SigTerm = 15;
        if (!_process.HasExited) _ = SendSignal(_process.Id, SigTerm);
        await _process.WaitForExitAsync().WaitAsync(timeout ?? TimeSpan.FromSeconds(30));
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try { await StopAsync(TimeSpan.FromSeconds(15)); }
            catch (TimeoutException) { Kill(); }
        }
        _process.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int SendSignal(int pid, int signal);
}
