using System.Diagnostics;
using Orleans.Parallel.Errors;
using Orleans.Parallel.Tests.Cluster;

namespace Orleans.Parallel.Tests.Isolation;

/// <summary>
/// What ipyparallel gets from engines being processes: a task that ends its own process, overflows
/// its stack, allocates without end, spins forever or is killed from outside fails that one engine's
/// task saying why; the silo, the other engine and its namespace are untouched, and the engine's id
/// restarts empty in a new process. Each test leaves both engines answering.
/// </summary>
[Collection(IsolatedCollection.Name)]
public sealed class IsolatedEngineFailureTests(IsolatedClusterFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private ParallelClient Rc => fixture.Client;

    /// <summary>Both engines hold <c>kept</c>; returns engine 0's process id.</summary>
    private async Task<int> PrepareAsync()
    {
        await WaitForBothAsync();
        await Rc[..].PushAsync(new { kept = 17 });
        return await Rc[0].ApplyAsync(() => Environment.ProcessId);
    }

    /// <summary>Both engines answer (an engine restarting after its process ended may take a moment to be listed again).</summary>
    private async Task WaitForBothAsync() =>
        await ClusterAssert.EventuallyAsync(async () =>
        {
            try { return (await Rc[..].ApplyAsync(() => 1).AsTask().WaitAsync(TimeSpan.FromSeconds(10))).Count == 2; }
            catch (Exception e) when (e is EngineException or CompositeException or TimeoutException) { return false; }
        }, "both engines answer", Patience);

    /// <summary>Engine 0 restarted empty in another process; engine 1 still holds its namespace.</summary>
    private async Task AssertRestartedAsync(int oldProcess)
    {
        await WaitForBothAsync();
        var newProcess = await Rc[0].ApplyAsync(() => Environment.ProcessId);
        Assert.NotEqual(oldProcess, newProcess);
        Assert.Empty(await Rc[0].KeysAsync());
        Assert.Equal(17, await Rc[1].PullAsync<int>("kept"));
        Assert.True(EngineProcessList.Gone(oldProcess), $"engine process {oldProcess} still runs");
    }

    [Fact]
    public async Task EnvironmentExit_FailsTheTaskWithTheExitCode_AndTheEngineRestartsEmpty_ThenRestoresItsCheckpoint()
    {
        var pid = await PrepareAsync();
        await Rc[0].CheckpointAsync();

        var error = await Assert.ThrowsAsync<EngineException>(() => Rc[0].ExecuteAsync("Environment.Exit(3);").AsTask().WaitAsync(Patience));

        Assert.Equal(0, error.EngineId);
        Assert.Contains("it exited with code 3", error.Message);
        Assert.Contains("restarted with an empty namespace", error.Message);
        await AssertRestartedAsync(pid);
        // ipyparallel restarts an engine empty; here its last checkpoint can come back when asked.
        await Rc[0].RestoreAsync();
        Assert.Equal(17, await Rc[0].PullAsync<int>("kept"));
    }

    /// <summary>Recurses without end; the runtime ends a process whose stack overflows.</summary>
    private static int Deep(int n) => n == int.MaxValue ? n : Deep(n + 1) + 1;

    [Fact]
    public async Task StackOverflow_FailsTheTaskSayingSo_AndTheEngineRestartsEmpty()
    {
        var pid = await PrepareAsync();

        var error = await Assert.ThrowsAsync<EngineException>(() => Rc[0].ApplyAsync(() => Deep(0)).AsTask().WaitAsync(Patience));

        Assert.Contains("overflowed its stack", error.Message);
        await AssertRestartedAsync(pid);
    }

    [Fact]
    public async Task UnboundedAllocation_UnderTheEngineMemoryLimit_FailsWithOutOfMemory_AndTheEngineKeepsItsNamespace()
    {
        var pid = await PrepareAsync();

        var error = await Assert.ThrowsAsync<RemoteException>(() => Rc[0].ExecuteAsync("""
            var hoard = new List<byte[]>();
            while (true) hoard.Add(new byte[1 << 20]);
            """).AsTask().WaitAsync(Patience));

        Assert.Equal(typeof(OutOfMemoryException).FullName, error.RemoteType);
        // The limit held the process itself: same process, same namespace, and it answers.
        Assert.Equal(pid, await Rc[0].ApplyAsync(() => Environment.ProcessId));
        Assert.Equal([17, 17], await Rc[..].PullAsync<int>("kept"));
        var heapLimit = await Rc[0].ApplyAsync(() => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
        Assert.Equal(IsolatedClusterFixture.MemoryLimit, heapLimit);
    }

    [Fact]
    public async Task KilledFromOutside_AsTheKernelsOomKillerWould_FailsTheTaskNamingTheSignal()
    {
        var pid = await PrepareAsync();
        var running = Rc[0].ExecuteAsync("while (true) { }");
        await ClusterAssert.EventuallyAsync(async () => (await Rc.QueueStatusAsync([0], verbose: true)).Engines[0].Running == running.MsgIds[0], "the spinning task runs");

        using (var process = Process.GetProcessById(pid)) process.Kill();

        var error = await Assert.ThrowsAsync<EngineException>(() => running.AsTask().WaitAsync(Patience));
        Assert.Contains("killed with SIGKILL", error.Message);
        await AssertRestartedAsync(pid);
    }

    [Fact]
    public async Task IdleEngineProcessKilled_TheEngineRestartsOnItsOwn()
    {
        var pid = await PrepareAsync();

        using (var process = Process.GetProcessById(pid)) process.Kill();

        await AssertRestartedAsync(pid);
    }

    [Fact]
    public async Task InterruptOfASpinningTask_KillsItsProcess_AndNoCoreStaysBusy()
    {
        var pid = await PrepareAsync();
        var spinning = Rc[0].ExecuteAsync("while (true) { }"); // ignores every token
        await ClusterAssert.EventuallyAsync(async () => (await Rc.QueueStatusAsync([0], verbose: true)).Engines[0].Running == spinning.MsgIds[0], "the spinning task runs");

        await Rc.InterruptAsync(0);

        var error = await Assert.ThrowsAsync<EngineException>(() => spinning.AsTask().WaitAsync(Patience));
        Assert.Contains("was interrupted", error.Message);
        Assert.Contains("its process was killed", error.Message);
        await AssertRestartedAsync(pid);
        // Nothing of the spinning loop is left: the silo (this process) and its engine processes are near
        // idle once the new spare process has started (a spinning thread alone would be one whole core).
        await Task.Delay(TimeSpan.FromSeconds(1));
        var busy = await CoresBusyAsync(TimeSpan.FromSeconds(2));
        Assert.True(busy < 0.5, $"{busy:0.00} cores busy after the interrupt");
    }

    [Fact]
    public async Task Interrupt_AlsoEndsTheProcessesTheEngineStarted()
    {
        var pid = await PrepareAsync();
        var started = await Rc[0].ApplyAsync(() => Process.Start(new ProcessStartInfo("sleep", "300") { UseShellExecute = false })!.Id);
        Assert.Contains(started, Grains.Isolation.Parent.ProcessTree.Descendants(pid));
        var spinning = Rc[0].ExecuteAsync("while (true) { }");
        await ClusterAssert.EventuallyAsync(async () => (await Rc.QueueStatusAsync([0], verbose: true)).Engines[0].Running == spinning.MsgIds[0], "the spinning task runs");

        await Rc.InterruptAsync(0);

        await Assert.ThrowsAsync<EngineException>(() => spinning.AsTask().WaitAsync(Patience));
        await AssertRestartedAsync(pid);
        await ClusterAssert.EventuallyAsync(() => ProcessTreeTests.Ended(started), "the process the task started has ended", Patience);
    }

    [Fact]
    public async Task AbortOfATaskThatHeedsItsToken_EndsItAborted_InTheSameProcess()
    {
        var pid = await PrepareAsync();
        var waiting = Rc[0].ApplyAsync((CancellationToken token) => { Task.Delay(Timeout.Infinite, token).Wait(token); return 0; }, CancellationToken.None);
        await ClusterAssert.EventuallyAsync(async () => (await Rc.QueueStatusAsync([0], verbose: true)).Engines[0].Running == waiting.MsgIds[0], "the waiting task runs");

        Assert.True((await waiting.AbortAsync(Patience)).AllEnded);

        await Assert.ThrowsAsync<TaskAbortedException>(() => waiting.AsTask());
        Assert.Equal(pid, await Rc[0].ApplyAsync(() => Environment.ProcessId));
        Assert.Equal(17, await Rc[0].PullAsync<int>("kept"));
    }

    /// <summary>Cores this process and its engine processes used, on average, over <paramref name="window"/>.</summary>
    private static async Task<double> CoresBusyAsync(TimeSpan window)
    {
        static TimeSpan Cpu() => Process.GetProcesses()
            .Where(p => p.Id == Environment.ProcessId || EngineProcessList.IsEngineOf(p.Id, Environment.ProcessId))
            .Select(p =>
            {
                try { return p.TotalProcessorTime; }
                catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception) { return TimeSpan.Zero; }
            })
            .Aggregate(TimeSpan.Zero, (a, b) => a + b);
        var before = Cpu();
        var clock = Stopwatch.StartNew();
        await Task.Delay(window);
        return (Cpu() - before) / clock.Elapsed;
    }
}
