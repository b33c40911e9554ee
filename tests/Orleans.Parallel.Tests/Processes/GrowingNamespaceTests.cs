using Xunit.Abstractions;
using Orleans.Parallel.Testing;
using Orleans.Parallel.Views;

namespace Orleans.Parallel.Tests.Processes;

/// <summary>
/// An interactive session declares a new variable at almost every line, so every Execute meets a
/// namespace of a new shape. Each such script used to keep about 80 MB of the silo (Roslyn read the
/// silo's dependencies anew for every compilation), and each compiled a prelude declaring every
/// variable so far.
/// </summary>
public sealed class GrowingNamespaceTests(ITestOutputHelper output)
{
    [Fact]
    public async Task TwoThousandExecutes_EachDeclaringANewVariable_KeepTheSiloWithin200MB()
    {
        const int count = 2000;
        await using var silo = await SiloProcess.StartAsync(engines: 1);
        await using var rc = await ParallelClient.ConnectAsync(silo.ClientOptions);
        await rc.WaitForEnginesAsync(1, TimeSpan.FromSeconds(30));
        var e0 = rc[0];
        for (var i = 0; i < 20; i++) await e0.ExecuteAsync($"var warm_{i} = {i};"); // the compiler's own first costs
        var (heapBefore, _) = await CollectAsync(e0);
        var before = ResidentMB(silo);

        for (var i = 0; i < count; i++) await e0.ExecuteAsync($"var v{i} = {i} + warm_0;");
        await e0.ExecuteAsync("var total = v0 + v999 + v1999;");

        Assert.Equal(999 + 1999, await e0.PullAsync<int>("total"));
        Assert.Equal(count + 20 + 1, (await e0.KeysAsync()).Count);
        var uncollected = ResidentMB(silo) - before;
        var (heapAfter, contexts) = await CollectAsync(e0);
        var growth = ResidentMB(silo) - before;
        output.WriteLine($"silo resident set: {before:F0} MB after warm-up, grew {uncollected:F0} MB over {count} new variables, {growth:F0} MB after full collections; managed heap {heapBefore:F0} -> {heapAfter:F0} MB; {contexts} script load contexts");
        Assert.True(contexts <= 2 * Grains.Execution.Scripts.LoadedScripts.Limit, $"{contexts} script load contexts are alive after {count} scripts.");
        Assert.True(heapAfter - heapBefore <= 20, $"The silo's managed heap grew from {heapBefore:F0} to {heapAfter:F0} MB over {count} scripts.");
        Assert.True(growth <= 200, $"The silo grew by {growth:F0} MB over {count} Executes that each declared a new variable.");
        Assert.Equal(0, await silo.StopAsync());
    }

    /// <summary>Full collections in the silo, so what is measured is what stays, not garbage a later collection frees or memory the GC keeps for later.</summary>
    private static async Task<(double HeapMB, int ScriptContexts)> CollectAsync(EngineView engine) => await engine.ApplyAsync(() =>
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        // Aggressive: the GC also hands back the memory it keeps committed for later allocations.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        return (GC.GetTotalMemory(forceFullCollection: true) / 1e6, System.Runtime.Loader.AssemblyLoadContext.All.Count(c => c.Name == "op-scripts"));
    });

    private static double ResidentMB(SiloProcess silo) => silo.StatusKilobytes("VmRSS") / 1024.0;
}
