using System.Diagnostics;
using Orleans.Parallel.Testing;
using Orleans.Parallel.Tests.Cluster;
using Orleans.Parallel.Tests.Isolation;

namespace Orleans.Parallel.Tests.Processes;

/// <summary>
/// A silo process with isolated engines (<c>--isolation process</c>): its engine processes, with the
/// limits its flags set, live exactly as long as it does, however it ends.
/// </summary>
public sealed class IsolatedSiloProcessTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Flags_SetTheEngineProcessesHeapLimit_AndTheReadyLineSaysSo()
    {
        await using var silo = await SiloProcess.StartAsync(2, TimeSpan.FromSeconds(120), "--isolation", "process", "--engine-memory-limit", "256MiB");
        Assert.Contains("engines isolated in processes (heap limit 0.25 GiB each)", silo.Output);
        await using var rc = await ParallelClient.ConnectAsync(silo.ClientOptions);
        await rc.WaitForEnginesAsync(2, Patience);

        var limits = await rc[..].ApplyAsync(() => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
        var pids = await rc[..].ApplyAsync(() => Environment.ProcessId);

        Assert.All(limits, limit => Assert.Equal(256L << 20, limit));
        Assert.DoesNotContain(silo.ProcessId, pids);
        Assert.All(pids, pid => Assert.Contains(pid, EngineProcessList.Of(silo.ProcessId)));
    }

    [Fact]
    public async Task KilledSilo_TakesItsEngineProcessesWithIt()
    {
        await using var silo = await SiloProcess.StartAsync(2, TimeSpan.FromSeconds(120), "--isolation", "process");
        await using (var rc = await ParallelClient.ConnectAsync(silo.ClientOptions))
        {
            await rc.WaitForEnginesAsync(2, Patience);
            await rc[..].ExecuteAsync("var kept = 1;");
        }
        var engines = EngineProcessList.Of(silo.ProcessId);
        Assert.True(engines.Count >= 2, $"engine processes of the silo: {string.Join(", ", engines)}");

        using (var process = Process.GetProcessById(silo.ProcessId)) process.Kill(); // the silo alone, as the kernel would

        // The socket closes with the silo; each engine process ends on its own.
        await ClusterAssert.EventuallyAsync(() => engines.All(EngineProcessList.Gone), "every engine process has ended", TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task StoppedSilo_EndsItsEngineProcesses_AndRemovesTheirSocketFolder()
    {
        await using var silo = await SiloProcess.StartAsync(2, TimeSpan.FromSeconds(120), "--isolation", "process");
        await using (var rc = await ParallelClient.ConnectAsync(silo.ClientOptions)) await rc.WaitForEnginesAsync(2, Patience);
        var engines = EngineProcessList.Of(silo.ProcessId);
        var folders = SocketFoldersOf(silo.ProcessId);
        Assert.Single(folders);

        Assert.Equal(0, await silo.StopAsync(TimeSpan.FromSeconds(60)));

        await ClusterAssert.EventuallyAsync(() => engines.All(EngineProcessList.Gone), "every engine process has ended", TimeSpan.FromSeconds(15));
        Assert.False(Directory.Exists(folders[0]));
    }

    [Fact]
    public async Task SpareProcess_WarmsUpTheCompiler_AndTheSiloLeavesItToIt()
    {
        await using var silo = await SiloProcess.StartAsync(2, TimeSpan.FromSeconds(120), "--isolation", "process");
        await using var rc = await ParallelClient.ConnectAsync(silo.ClientOptions);
        await rc.WaitForEnginesAsync(2, Patience);
        var engines = await rc[..].ApplyAsync(() => Environment.ProcessId); // no compiling: a method, not a script
        await ClusterAssert.EventuallyAsync(() => EngineProcessList.Of(silo.ProcessId).Count == 3, "the two engines' processes and the spare", Patience);
        var spare = Assert.Single(EngineProcessList.Of(silo.ProcessId).Except(engines));

        // The process an interrupted engine will take has loaded the C# compiler by itself, before any Execute.
        await ClusterAssert.EventuallyAsync(() => Loaded(spare, CSharpCompiler), "the spare process loaded the compiler", Patience);
        Assert.False(Loaded(silo.ProcessId, CSharpCompiler), "the silo compiles nothing for isolated engines; it must not warm up a compiler of its own");

        await rc.InterruptAsync(0);
        Assert.Equal(spare, await rc[0].ApplyAsync(() => Environment.ProcessId));
        await rc[0].ExecuteAsync("var warm = 1;");
        Assert.Equal(1, await rc[0].PullAsync<int>("warm"));
    }

    private const string CSharpCompiler = "Microsoft.CodeAnalysis.CSharp.dll";

    /// <summary>Whether process <paramref name="pid"/> has <paramref name="file"/> mapped (loaded).</summary>
    private static bool Loaded(int pid, string file)
    {
        try { return File.ReadLines($"/proc/{pid}/maps").Any(line => line.EndsWith("/" + file, StringComparison.Ordinal)); }
        catch (IOException) { return false; }
    }

    [Fact]
    public async Task UnknownIsolation_IsRefusedByName()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => SiloProcess.StartAsync(1, TimeSpan.FromSeconds(60), "--isolation", "sideways"));
        Assert.Contains("sideways", error.Message);
    }

    private static string[] SocketFoldersOf(int silo) =>
        Directory.GetDirectories(Path.GetTempPath(), $"op-engines-{silo}-*");
}
