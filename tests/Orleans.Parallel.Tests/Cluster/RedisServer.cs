using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Orleans.Parallel.Tests.Cluster;

/// <summary>
/// A real Redis server for the clustering tests: Debian's <c>redis-server</c> on a free loopback
/// port, nothing saved to disk, gone when the tests end. When the binary is missing and the tests
/// run as root (as CI does, on a fresh machine), the package is installed first, so <c>dotnet test</c>
/// needs no setup step of its own.
/// </summary>
public sealed partial class RedisServer : IAsyncLifetime
{
    private const string Binary = "/usr/bin/redis-server";
    private static readonly bool IsRoot = GetEffectiveUserId() == 0;

    private readonly List<string> _output = [];
    private Process? _process;

    /// <summary>The loopback port the server listens on.</summary>
    public int Port { get; private set; }

    /// <summary>The server's address as the clustering options take it.</summary>
    public string Connection => $"127.0.0.1:{Port}";

    /// <summary>Everything apt and the server printed so far.</summary>
    public string Output { get { lock (_output) return string.Join("\n", _output); } }

    public async Task InitializeAsync()
    {
        if (!File.Exists(Binary)) await InstallAsync();
        Port = FreePort();
        _process = Start(Binary, ["--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes"]);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"redis-server exited with code {_process.ExitCode} while starting. Output:\n{Output}");
            if (await AnswersPingAsync()) return;
            if (deadline.Elapsed > TimeSpan.FromSeconds(30)) throw new InvalidOperationException($"redis-server did not answer within 30 s. Output:\n{Output}");
            await Task.Delay(50);
        }
    }

    public async Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
    }

    private async Task<bool> AnswersPingAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(2));
            return System.Text.Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or IOException or TimeoutException)
        {
            return false;
        }
    }

    private async Task InstallAsync()
    {
        if (!IsRoot)
            throw new InvalidOperationException(
                $"The Redis clustering tests need a Redis server ({Binary}), and it is not installed. " +
                "Install it with 'sudo apt-get install redis-server', or run the tests as root, which installs it.");
        var noninteractive = new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" };
        await RunAsync("apt-get", ["update"], noninteractive);
        await RunAsync("apt-get", ["install", "-y", "--no-install-recommends", "-o", "DPkg::Lock::Timeout=300", "redis-server"], noninteractive);
        if (!File.Exists(Binary)) throw new InvalidOperationException($"'apt-get install redis-server' ran, but {Binary} is not there. Output:\n{Output}");
    }

    private Process Start(string program, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in arguments) start.ArgumentList.Add(arg);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        process.OutputDataReceived += (_, e) => Collect(e.Data);
        process.ErrorDataReceived += (_, e) => Collect(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task RunAsync(string program, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        using var process = Start(program, arguments, environment);
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"'{program} {string.Join(' ', arguments)}' exited with code {process.ExitCode}. Output:\n{Output}");
    }

    private void Collect(string? line)
    {
        if (line is null) return;
        lock (_output) _output.Add(line);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();
}
