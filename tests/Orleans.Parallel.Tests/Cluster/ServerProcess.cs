using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Orleans.Parallel.Hosting;

namespace Orleans.Parallel.Tests.Cluster;

/// <summary>
/// A real server the clustering tests need (Redis, Azurite): found on this machine, or installed
/// first when missing and the tests run as root (as CI does, on a fresh machine), then started on a
/// free loopback port and stopped when the tests end. <c>dotnet test</c> needs no setup step of its own.
/// </summary>
public abstract partial class ServerProcess : IAsyncLifetime
{
    protected static readonly bool IsRoot = GetEffectiveUserId() == 0;

    private readonly List<string> _output = [];
    private Process? _process;
    private string? _folder;

    /// <summary>The loopback port the server listens on.</summary>
    public int Port { get; private set; }

    /// <summary>Everything the installer and the server printed so far.</summary>
    public string Output { get { lock (_output) return string.Join("\n", _output); } }

    /// <summary>A folder of this server's own, removed when it stops.</summary>
    protected string Folder => _folder ??= Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"op-{GetType().Name}-{Guid.NewGuid():N}")).FullName;

    /// <summary>The server's name in messages.</summary>
    protected abstract string Name { get; }

    /// <summary>The path of the server's program, or null when it is not installed.</summary>
    protected abstract string? Find();

    /// <summary>Installs the server (called as root only); the message says how to do it by hand otherwise.</summary>
    protected abstract Task InstallAsync();

    /// <summary>How to install it by hand, for a run that is not root.</summary>
    protected abstract string InstallHint { get; }

    /// <summary>The arguments that start the program on <paramref name="port"/>.</summary>
    protected abstract IReadOnlyList<string> Arguments(int port);

    /// <summary>Whether the started server answers yet.</summary>
    protected abstract Task<bool> AnswersAsync();

    public async Task InitializeAsync()
    {
        var program = Find();
        if (program is null)
        {
            if (!IsRoot) throw new InvalidOperationException($"The clustering tests need {Name}, and it is not installed. {InstallHint}, or run the tests as root, which installs it.");
            await InstallAsync();
            program = Find() ?? throw new InvalidOperationException($"{Name} was installed, but its program is not there. Output:\n{Output}");
        }
        Port = LoopbackPorts.ReserveOne();
        _process = Start(program, Arguments(Port));
        var deadline = Stopwatch.StartNew();
        while (!await AnswersAsync())
        {
            if (_process.HasExited) throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode} while starting. Output:\n{Output}");
            if (deadline.Elapsed > TimeSpan.FromSeconds(60)) throw new InvalidOperationException($"{Name} did not answer within 60 s. Output:\n{Output}");
            await Task.Delay(100);
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
        if (_folder is not null)
            try { Directory.Delete(_folder, recursive: true); }
            catch (IOException) { } // a file still held open; the temp folder is cleaned later
    }

    /// <summary>The first of <paramref name="paths"/> that exists.</summary>
    protected static string? FirstExisting(params string[] paths) => paths.FirstOrDefault(File.Exists);

    /// <summary>Runs a program to its end; a non-zero exit is an error that carries what it printed.</summary>
    protected async Task RunAsync(string program, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var process = Start(program, arguments, environment);
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"'{program} {string.Join(' ', arguments)}' exited with code {process.ExitCode}. Output:\n{Output}");
    }

    /// <summary>Whether something accepts a TCP connection on the server's port.</summary>
    protected async Task<bool> AcceptsConnectionsAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port).WaitAsync(TimeSpan.FromSeconds(2));
            return true;
        }
        catch (Exception e) when (e is SocketException or TimeoutException)
        {
            return false;
        }
    }

    private Process Start(string program, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Folder };
        foreach (var arg in arguments) start.ArgumentList.Add(arg);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        process.OutputDataReceived += (_, e) => Collect(e.Data);
        process.ErrorDataReceived += (_, e) => Collect(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private void Collect(string? line)
    {
        if (line is null) return;
        lock (_output) _output.Add(line);
    }


    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();
}
