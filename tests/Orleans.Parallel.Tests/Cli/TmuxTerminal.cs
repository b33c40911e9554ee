using System.Diagnostics;

namespace Orleans.Parallel.Tests.Cli;

/// <summary>
/// A program in a real pseudo-terminal: a detached tmux session. Keys go in with send-keys, the screen
/// comes out with capture-pane. tmux is installed with apt-get when missing and the tests run as root.
/// </summary>
public sealed class TmuxTerminal : IAsyncDisposable
{
    private const string Tmux = "/usr/bin/tmux";
    private static readonly SemaphoreSlim InstallOnce = new(1, 1);

    private readonly string _session;

    private TmuxTerminal(string session) => _session = session;

    /// <summary>Starts <paramref name="command"/> (a shell command line) in a new 160x50 session with a unique name.</summary>
    public static async Task<TmuxTerminal> StartAsync(string command)
    {
        await EnsureInstalledAsync();
        var session = $"px-test-{Guid.NewGuid():N}"[..20];
        await RunAsync("new-session", "-d", "-s", session, "-x", "160", "-y", "50", command);
        return new TmuxTerminal(session);
    }

    /// <summary>Types <paramref name="text"/> literally, then Enter.</summary>
    public async Task TypeLineAsync(string text)
    {
        // tmux reads an argument that ends in ';' as the end of a command; "\;" is a literal one.
        await RunAsync("send-keys", "-t", _session, "-l", text.EndsWith(';') ? text[..^1] + "\\;" : text);
        await RunAsync("send-keys", "-t", _session, "Enter");
    }

    /// <summary>Sends tmux key names, such as C-c or C-d.</summary>
    public Task SendKeysAsync(params string[] keys) => RunAsync(["send-keys", "-t", _session, .. keys]);

    /// <summary>The screen's text, and the lines scrolled above it.</summary>
    public async Task<string> ScreenAsync() => await RunAsync("capture-pane", "-p", "-S", "-200", "-t", _session);

    /// <summary>Polls the screen until <paramref name="done"/> holds; fails with the screen after <paramref name="patience"/>.</summary>
    public async Task<string> WaitForAsync(Func<string, bool> done, TimeSpan patience, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var screen = await ScreenAsync();
            if (done(screen)) return screen;
            if (clock.Elapsed > patience) throw new TimeoutException($"Waited {patience} for {what}. The screen:\n{screen}");
            await Task.Delay(250);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try { await RunAsync("kill-session", "-t", _session); }
        catch (InvalidOperationException) { } // the session had already ended
    }

    private static async Task EnsureInstalledAsync()
    {
        if (File.Exists(Tmux)) return;
        await InstallOnce.WaitAsync();
        try
        {
            if (File.Exists(Tmux)) return;
            if (Environment.UserName != "root") throw new InvalidOperationException("The px prompt tests need tmux: install it with 'sudo apt-get install tmux', or run the tests as root, which installs it.");
            await RunProgramAsync("apt-get", ["update"]);
            await RunProgramAsync("apt-get", ["install", "-y", "--no-install-recommends", "-o", "DPkg::Lock::Timeout=300", "tmux"]);
        }
        finally
        {
            InstallOnce.Release();
        }
    }

    private static Task<string> RunAsync(params string[] arguments) => RunProgramAsync(Tmux, arguments);

    private static async Task<string> RunProgramAsync(string program, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(10));
        if (process.ExitCode != 0) throw new InvalidOperationException($"{program} {string.Join(" ", arguments)} failed ({process.ExitCode}): {await error}");
        return await output;
    }
}
