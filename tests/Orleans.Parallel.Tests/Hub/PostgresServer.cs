using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Orleans.Parallel.Hosting;
using System.Text.RegularExpressions;
using Npgsql;

namespace Orleans.Parallel.Tests.Hub;

/// <summary>
/// A real PostgreSQL server for the tests: a fresh cluster in a temporary folder, on a free
/// loopback port, with trust authentication, gone when the tests end. The server's binaries are
/// Debian's (<c>/usr/lib/postgresql/N/bin</c>); when they are missing and the tests run as root
/// (as CI does, on a fresh machine), the package is installed first, so <c>dotnet test</c> needs no
/// setup step of its own.
/// </summary>
/// <remarks>
/// PostgreSQL refuses to run as root: as root, initdb and the server run as the <c>postgres</c>
/// user, which owns the folder. Durability is off (fsync, full pages): the data dies with the folder.
/// </remarks>
public sealed partial class PostgresServer : IAsyncLifetime
{
    private const string SystemUser = "postgres", Superuser = "postgres";
    private static readonly bool IsRoot = GetEffectiveUserId() == 0;

    private readonly List<string> _output = [];
    private string? _folder;
    private Process? _process;
    private int _databases;

    /// <summary>The loopback port the server listens on.</summary>
    public int Port { get; private set; }

    /// <summary>A connection string to the server's <c>postgres</c> database, as the superuser.</summary>
    public string ConnectionString => ConnectionStringFor("postgres");

    /// <summary>Everything initdb and the server printed so far.</summary>
    public string Output { get { lock (_output) return string.Join("\n", _output); } }

    public async Task InitializeAsync()
    {
        try
        {
            await StartAsync();
        }
        catch
        {
            await DisposeAsync(); // xunit does not dispose a fixture that failed to start
            throw;
        }
    }

    private async Task StartAsync()
    {
        var bin = await FindOrInstallAsync();
        // The server's user must be able to reach the folder: /tmp rather than a root-only TMPDIR.
        _folder = Path.Combine(IsRoot ? "/tmp" : Path.GetTempPath(), $"op-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_folder);
        if (IsRoot)
        {
            await EnsureSystemUserAsync();
            await RunAsync("chown", [$"{SystemUser}:", _folder]);
        }
        var data = Path.Combine(_folder, "data");
        await RunAsync(Path.Combine(bin, "initdb"),
            ["-D", data, "-U", Superuser, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions"], asServerUser: true);
        Port = LoopbackPorts.ReserveOne();
        _process = Start(Path.Combine(bin, "postgres"),
        [
            "-D", data, "-p", Port.ToString(), "-k", _folder,
            "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=300",
            "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
        ], asServerUser: true);
        await WaitUntilReadyAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>
    /// A new, empty database (so that test classes, and tests, do not see each other's rows); its
    /// name is <paramref name="name"/> and a number. Returns a connection string to it.
    /// </summary>
    /// <param name="name">Lower-case letters, digits and underscores.</param>
    /// <param name="icuLocale">An ICU locale (such as "en-US") for the database's default collation,
    /// to show that a store does not depend on it; null for the cluster's (C).</param>
    public async Task<string> CreateDatabaseAsync(string name, string? icuLocale = null)
    {
        if (!DatabaseName().IsMatch(name)) throw new ArgumentException("A database name here is lower-case letters, digits and underscores.", nameof(name));
        if (icuLocale is not null && !IcuLocale().IsMatch(icuLocale)) throw new ArgumentException("An ICU locale here is like \"en-US\".", nameof(icuLocale));
        var database = $"{name}_{Interlocked.Increment(ref _databases)}";
        var locale = icuLocale is null ? "" : $" TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE '{icuLocale}'";
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{database}\"{locale}", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionStringFor(database);
    }

    /// <summary>Stops the server at once (immediate shutdown, which frees its shared memory) and deletes its folder.</summary>
    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_process is { } process)
        {
            const int SigQuit = 3;
            if (!process.HasExited && _folder is not null && PostmasterId(Path.Combine(_folder, "data")) is { } postmaster)
                _ = SendSignal(postmaster, SigQuit);
            try { await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)); }
            catch (TimeoutException) { process.Kill(entireProcessTree: true); await process.WaitForExitAsync(); }
            process.Dispose();
        }
        if (_folder is not null && Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    private string ConnectionStringFor(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = Superuser,
        Database = database,
        IncludeErrorDetail = true,
        // Stores that tests leave undisposed give their connections back soon.
        ConnectionIdleLifetime = 2,
        ConnectionPruningInterval = 1,
    }.ConnectionString;

    /// <summary>The newest installed server's bin folder; installs Debian's package when there is none and this is root.</summary>
    private async Task<string> FindOrInstallAsync()
    {
        if (FindBin() is { } bin) return bin;
        if (!IsRoot)
            throw new InvalidOperationException(
                "The PostgreSQL tests need a PostgreSQL server (initdb and postgres under /usr/lib/postgresql/*/bin), and it is not installed. " +
                "Install it with 'sudo apt-get install postgresql', or run the tests as root, which installs it.");
        var noninteractive = new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" };
        await RunAsync("apt-get", ["update"], environment: noninteractive);
        await RunAsync("apt-get", ["install", "-y", "--no-install-recommends", "-o", "DPkg::Lock::Timeout=300", "postgresql"], environment: noninteractive);
        return FindBin() ?? throw new InvalidOperationException($"'apt-get install postgresql' ran, but no server binaries are under /usr/lib/postgresql/*/bin. Output:\n{Output}");
    }

    private static string? FindBin()
    {
        const string Root = "/usr/lib/postgresql";
        if (!Directory.Exists(Root)) return null;
        return Directory.GetDirectories(Root)
            .Select(version => (Version: int.TryParse(Path.GetFileName(version), out var n) ? n : -1, Bin: Path.Combine(version, "bin")))
            .Where(v => File.Exists(Path.Combine(v.Bin, "initdb")) && File.Exists(Path.Combine(v.Bin, "postgres")))
            .OrderByDescending(v => v.Version)
            .Select(v => v.Bin)
            .FirstOrDefault();
    }

    /// <summary>The Debian package makes the user; binaries installed another way may not have.</summary>
    private async Task EnsureSystemUserAsync()
    {
        var id = Process.Start(new ProcessStartInfo("id", ["-u", SystemUser]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        await id.WaitForExitAsync();
        if (id.ExitCode != 0)
            await RunAsync("useradd", ["--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", SystemUser]);
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        var probe = new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false, Timeout = 2 }.ConnectionString;
        while (true)
        {
            if (_process!.HasExited) throw new InvalidOperationException($"PostgreSQL exited with code {_process.ExitCode} while starting. Output:\n{Output}");
            try
            {
                await using var connection = new NpgsqlConnection(probe);
                await connection.OpenAsync();
                return;
            }
            catch (Exception e) when (e is NpgsqlException or SocketException)
            {
                if (deadline.Elapsed > timeout) throw new InvalidOperationException($"PostgreSQL did not accept connections within {timeout}. Output:\n{Output}", e);
                await Task.Delay(50);
            }
        }
    }

    /// <summary>Starts a program (as the server's user when root) and collects what it prints.</summary>
    private Process Start(string program, IReadOnlyList<string> arguments, bool asServerUser = false, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(asServerUser && IsRoot ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            // A folder the server's user can enter (initdb complains about one it cannot).
            WorkingDirectory = _folder ?? Path.GetTempPath(),
        };
        if (asServerUser && IsRoot) foreach (var arg in new[] { "-u", SystemUser, "--", program }) start.ArgumentList.Add(arg);
        foreach (var arg in arguments) start.ArgumentList.Add(arg);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        process.StandardInput.Close();
        process.OutputDataReceived += (_, e) => Collect(e.Data);
        process.ErrorDataReceived += (_, e) => Collect(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Runs a program to its end; a non-zero exit is an error that carries what it printed.</summary>
    private async Task RunAsync(string program, IReadOnlyList<string> arguments, bool asServerUser = false, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var process = Start(program, arguments, asServerUser, environment);
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"'{program} {string.Join(' ', arguments)}' exited with code {process.ExitCode}. Output:\n{Output}");
    }

    private void Collect(string? line)
    {
        if (line is null) return;
        lock (_output) _output.Add(line);
    }

    /// <summary>The postmaster's process id, the first line of its pid file (as root, the child process is runuser).</summary>
    private static int? PostmasterId(string data)
    {
        var file = Path.Combine(data, "postmaster.pid");
        try { return File.Exists(file) && int.TryParse(File.ReadLines(file).FirstOrDefault(), out var pid) ? pid : null; }
        catch (IOException) { return null; }
    }


    [GeneratedRegex("^[a-z][a-z0-9_]{0,40}$")]
    private static partial Regex DatabaseName();

    [GeneratedRegex("^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
    private static partial Regex IcuLocale();

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int SendSignal(int pid, int signal);
}
