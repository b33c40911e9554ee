using System.Diagnostics;
using System.Text.RegularExpressions;
using Orleans.Parallel.Security;
using Orleans.Parallel.Testing;

namespace Orleans.Parallel.Tests.Cli;

/// <summary>
/// <c>opx start</c> and <c>opx stop</c> as a user runs them, as real processes: a daemon that returns
/// once ready and goes on in the background, a cluster in the foreground, stops graceful and forced,
/// and the one-line errors when there is nothing to stop, a cluster already runs, or it cannot start.
/// Every cluster follows this test process (<c>--parent-pid</c>), so none outlives a failed run.
/// </summary>
public sealed partial class OpxStartStopTests
{
    // A busy shared machine: a cluster normally starts in 2 s.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    private static string NewId() => $"opx-{Guid.NewGuid():N}"[..16];

    private static string[] Follow => ["--parent-pid", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)];

    [Fact]
    public async Task Daemon_ReturnsOnceReady_RunsInTheBackground_AndStopStopsIt()
    {
        var id = NewId();
        try
        {
            var start = await Opx.RunAsync(["start", "--engines", "2", "--daemon", "--cluster-id", id, .. Follow], Patience);
            Assert.True(start.ExitCode == 0, start.ToString());
            Assert.Contains($"Connection file: {ConnectionFile.DefaultPath(id)}", start.Stdout);
            var gateway = GatewayLine().Match(start.Stdout);
            Assert.True(gateway.Success, start.ToString());

            // opx start has exited; its cluster runs on, at the gateway it printed, and takes work.
            var connection = ConnectionFile.Read(ConnectionFile.DefaultPath(id));
            Assert.Equal([gateway.Groups[1].Value], connection.Gateways);
            var pid = RecordedPid(id);
            await using (var client = await ConnectAsync(id, engines: 2))
            {
                var squares = await client.DirectView().ApplyAsync((int x) => x * x, 7);
                Assert.Equal([49, 49], squares);
            }

            // A second start of the same cluster is refused, naming the one that runs.
            var again = await Opx.RunAsync(["start", "--engines", "1", "--daemon", "--cluster-id", id, .. Follow], Patience);
            Assert.Equal(1, again.ExitCode);
            Assert.Contains($"cluster '{id}' already runs (pid {pid}", again.Stderr);

            var stop = await Opx.RunAsync(["stop", "--cluster-id", id], Patience);
            Assert.True(stop.ExitCode == 0, stop.ToString());
            Assert.Contains($"Cluster '{id}' stopped.", stop.Stdout);
            Assert.False(IsRunning(pid));
            Assert.False(File.Exists(StartedFile(id)));
            var log = await File.ReadAllTextAsync(Path.Combine(Folder(id), "opx.log"));
            Assert.Contains("asked to stop (opx stop)", log);

            var stopAgain = await Opx.RunAsync(["stop", "--cluster-id", id], Patience);
            Assert.Equal(1, stopAgain.ExitCode);
            Assert.Equal($"opx stop: cluster '{id}' ({ConnectionFile.DefaultPath(id)}) is not running.", stopAgain.Stderr.Trim());
        }
        finally
        {
            await Opx.RunAsync(["stop", "--force", "--timeout", "10", "--cluster-id", id], Patience);
        }
    }

    [Fact]
    public async Task Daemon_WithIsolatedEngines_RunsEachInAProcessOfItsOwn_UnderItsMemoryLimit()
    {
        var id = NewId();
        try
        {
            var start = await Opx.RunAsync(["start", "--engines", "2", "--daemon", "--isolation", "process", "--engine-memory-limit", "256MiB", "--cluster-id", id, .. Follow], Patience);
            Assert.True(start.ExitCode == 0, start.ToString());
            var silo = RecordedPid(id);
            await using var client = await ConnectAsync(id, engines: 2);

            var pids = await client.DirectView().ApplyAsync(() => Environment.ProcessId);
            var limits = await client.DirectView().ApplyAsync(() => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);

            Assert.Equal(2, pids.Distinct().Count());
            Assert.DoesNotContain(silo, pids);
            Assert.All(limits, limit => Assert.Equal(256L << 20, limit));
        }
        finally
        {
            await Opx.RunAsync(["stop", "--force", "--timeout", "10", "--cluster-id", id], Patience);
        }
    }

    [Fact]
    public async Task Foreground_RunsUntilOpxStop_ByConnectionFile()
    {
        var id = NewId();
        using var cluster = Opx.Start(["start", "--engines", "1", "--cluster-id", id, .. Follow]);
        try
        {
            await cluster.WaitForAsync("Ctrl-C or 'opx stop' stops it.", Patience);
            Assert.Contains($"Connection file: {ConnectionFile.DefaultPath(id)}", cluster.Stdout);
            await using (var client = await ConnectAsync(id, engines: 1))
                Assert.Equal(3, await client[0].ApplyAsync(() => 1 + 2));

            // Named by its connection file this time.
            var stop = await Opx.RunAsync(["stop", "--connection-file", ConnectionFile.DefaultPath(id)], Patience);
            Assert.True(stop.ExitCode == 0, stop.ToString());
            await cluster.Process.WaitForExitAsync().WaitAsync(Patience);
            Assert.Equal(0, cluster.Process.ExitCode);
            Assert.Contains($"Cluster '{id}' stopped.", cluster.Stdout);
            Assert.False(File.Exists(StartedFile(id)));
        }
        finally
        {
            if (!cluster.Process.HasExited) cluster.Process.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task Stop_WithinATimeoutTooShort_FailsGracefully_OrKillsWithForce()
    {
        var id = NewId();
        try
        {
            Assert.Equal(0, (await Opx.RunAsync(["start", "--engines", "1", "--daemon", "--cluster-id", id, .. Follow], Patience)).ExitCode);
            var pid = RecordedPid(id);

            // No silo leaves its cluster in 10 ms: without --force the stop says so and the silo goes on stopping.
            var patient = await Opx.RunAsync(["stop", "--timeout", "0.01", "--cluster-id", id], Patience);
            Assert.Equal(1, patient.ExitCode);
            Assert.Contains("has not stopped within 0 s", patient.Stderr);
            Assert.Contains("'opx stop --force' kills it", patient.Stderr);
            await WaitUntilAsync(() => !IsRunning(pid), "the graceful stop to finish");
            Assert.False(File.Exists(StartedFile(id)));

            Assert.Equal(0, (await Opx.RunAsync(["start", "--engines", "1", "--daemon", "--cluster-id", id, .. Follow], Patience)).ExitCode);
            pid = RecordedPid(id);
            var forced = await Opx.RunAsync(["stop", "--force", "--timeout", "0.01", "--cluster-id", id], Patience);
            Assert.True(forced.ExitCode == 0, forced.ToString());
            Assert.Contains("was killed", forced.Stdout);
            Assert.False(IsRunning(pid));
            Assert.False(File.Exists(StartedFile(id)));
        }
        finally
        {
            await Opx.RunAsync(["stop", "--force", "--timeout", "10", "--cluster-id", id], Patience);
        }
    }

    [Fact]
    public async Task Daemon_FollowingAParent_StopsWhenItExits()
    {
        var id = NewId();
        using var parent = Process.Start(new ProcessStartInfo("sleep", "600") { UseShellExecute = false })!;
        try
        {
            var start = await Opx.RunAsync(["start", "--engines", "1", "--daemon", "--cluster-id", id, "--parent-pid", parent.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], Patience);
            Assert.True(start.ExitCode == 0, start.ToString());
            var pid = RecordedPid(id);

            parent.Kill();
            await WaitUntilAsync(() => !IsRunning(pid), "the cluster to follow its parent");
            Assert.False(File.Exists(StartedFile(id)));
            Assert.Contains($"the process that started it ({parent.Id}) has exited; stopping", await File.ReadAllTextAsync(Path.Combine(Folder(id), "opx.log")));
        }
        finally
        {
            if (!parent.HasExited) parent.Kill();
            await Opx.RunAsync(["stop", "--force", "--timeout", "10", "--cluster-id", id], Patience);
        }
    }

    [Fact]
    public async Task Stop_NoCluster_SaysSoInOneLine()
    {
        var result = await Opx.RunAsync(["stop", "--cluster-id", "nothing-runs-here"], Patience);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"opx stop: no cluster is running: there is no connection file at {ConnectionFile.DefaultPath("nothing-runs-here")}.", result.Stderr.Trim());
    }

    [Fact]
    public async Task Daemon_ThatCannotStart_SaysWhyFromItsLog()
    {
        var id = NewId();
        // PostgreSQL without a connection string: the silo refuses its settings.
        var environment = new Dictionary<string, string?> { ["OP_TASKSTORECONNECTION"] = null, ["OP_TASKSTORECONNECTIONFILE"] = null };
        var result = await Opx.RunAsync(["start", "--engines", "1", "--daemon", "--task-store", "postgres", "--cluster-id", id, .. Follow], Patience, environment);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("the cluster's process exited (code 2) before it was ready", result.Stderr);
        Assert.Contains("needs a connection string", result.Stderr);
        Assert.False(File.Exists(StartedFile(id)));
    }

    [Fact]
    public async Task BadOptions_AreNamed()
    {
        var engines = await Opx.RunAsync(["start", "--engines", "0"], Patience);
        Assert.NotEqual(0, engines.ExitCode);
        Assert.Contains("--engines must be between 1 and 1024", engines.Stderr);

        var store = await Opx.RunAsync(["start", "--task-store", "sqlite"], Patience);
        Assert.NotEqual(0, store.ExitCode);
        Assert.Contains("sqlite", store.Stderr);

        var heap = await Opx.RunAsync(["start", "--heap-limit", "lots"], Patience);
        Assert.NotEqual(0, heap.ExitCode);
        Assert.Contains("--heap-limit: The heap limit 'lots' is not understood", heap.Stderr);

        var memory = await Opx.RunAsync(["start", "--isolation", "process", "--engine-memory-limit", "auto"], Patience);
        Assert.NotEqual(0, memory.ExitCode);
        Assert.Contains("--engine-memory-limit: EngineMemoryLimit takes a size", memory.Stderr);

        var cpu = await Opx.RunAsync(["start", "--isolation", "process", "--task-cpu-limit", "0"], Patience);
        Assert.NotEqual(0, cpu.ExitCode);
        Assert.Contains("--task-cpu-limit must be a positive number of seconds", cpu.Stderr);

        var isolation = await Opx.RunAsync(["start", "--isolation", "sideways"], Patience);
        Assert.NotEqual(0, isolation.ExitCode);
        Assert.Contains("sideways", isolation.Stderr);

        var both = await Opx.RunAsync(["stop", "--cluster-id", "a", "--connection-file", "b.json"], Patience);
        Assert.NotEqual(0, both.ExitCode);
        Assert.Contains("Give --connection-file or --cluster-id, not both.", both.Stderr);
    }

    [Fact]
    public async Task ASiloStartedOtherwise_IsNeitherReplacedNorStopped()
    {
        var id = NewId();
        await using var silo = await SiloProcess.StartAsync(1, Patience, "--cluster-id", id);

        var start = await Opx.RunAsync(["start", "--engines", "1", "--daemon", "--cluster-id", id, .. Follow], Patience);
        Assert.Equal(1, start.ExitCode);
        Assert.Contains($"a silo of cluster '{id}' already answers at 127.0.0.1:", start.Stderr);

        var stop = await Opx.RunAsync(["stop", "--cluster-id", id], Patience);
        Assert.Equal(1, stop.ExitCode);
        Assert.Contains("but opx start did not start it; stop its silos where they run", stop.Stderr);
        await using var client = await ConnectAsync(id, engines: 1);
        Assert.Equal(5, await client[0].ApplyAsync(() => 5));
    }

    private static async Task<ParallelClient> ConnectAsync(string id, int engines)
    {
        var client = await ParallelClient.ConnectAsync(ParallelClientOptions.FromConnectionFile(ConnectionFile.DefaultPath(id)));
        await client.WaitForEnginesAsync(engines, Patience);
        return client;
    }

    private static string Folder(string id) => Path.GetDirectoryName(ConnectionFile.DefaultPath(id))!;

    private static string StartedFile(string id) => Path.Combine(Folder(id), "opx.json");

    private static int RecordedPid(string id) =>
        System.Text.Json.JsonDocument.Parse(File.ReadAllText(StartedFile(id))).RootElement.GetProperty("pid").GetInt32();

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > Patience) throw new TimeoutException($"Waited {Patience.TotalSeconds:0} s for {what}.");
            await Task.Delay(100);
        }
    }

    [GeneratedRegex(@"Gateway: (127\.0\.0\.1:\d+)")]
    private static partial Regex GatewayLine();

    /// <summary>The opx the tests built, run as a user runs it.</summary>
    internal static class Opx
    {
        public sealed record Result(int ExitCode, string Stdout, string Stderr)
        {
            public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
        }

        public sealed class Running(Process process) : IDisposable
        {
            private readonly System.Text.StringBuilder _stdout = new();

            public Process Process { get; } = process;

            public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }

            public void Begin()
            {
                Process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_stdout) _stdout.AppendLine(e.Data); };
                Process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stdout) _stdout.AppendLine(e.Data); };
                Process.BeginOutputReadLine();
                Process.BeginErrorReadLine();
            }

            public async Task WaitForAsync(string text, TimeSpan timeout)
            {
                var clock = Stopwatch.StartNew();
                while (!Stdout.Contains(text))
                {
                    if (Process.HasExited || clock.Elapsed > timeout)
                        throw new TimeoutException($"opx never printed \"{text}\" (exited: {Process.HasExited}); it printed:\n{Stdout}");
                    await Task.Delay(100);
                }
            }

            public void Dispose() => Process.Dispose();
        }

        private static ProcessStartInfo Info(IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "opx.dll"));
            foreach (var argument in arguments) start.ArgumentList.Add(argument);
            foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
                if (value is null) start.Environment.Remove(name);
                else start.Environment[name] = value;
            return start;
        }

        public static Running Start(IEnumerable<string> arguments)
        {
            var running = new Running(Process.Start(Info(arguments, null))!);
            running.Begin();
            return running;
        }

        public static async Task<Result> RunAsync(IEnumerable<string> arguments, TimeSpan timeout, IReadOnlyDictionary<string, string?>? environment = null)
        {
            using var process = Process.Start(Info(arguments, environment))!;
            // A daemon's own output goes to its log, not to these pipes, so they close when opx exits.
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            try
            {
                await process.WaitForExitAsync().WaitAsync(timeout);
            }
            catch (TimeoutException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }
            return new Result(process.ExitCode, await stdout, await stderr);
        }
    }
}
