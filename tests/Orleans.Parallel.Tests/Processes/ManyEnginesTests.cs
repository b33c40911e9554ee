using Xunit.Abstractions;
using Orleans.Parallel.Testing;

namespace Orleans.Parallel.Tests.Processes;

/// <summary>
/// A silo of many engines, in its own process: idle engines hold no thread, yet every engine whose
/// task blocks gets a thread, so all of them can block at the same time.
/// </summary>
public sealed class ManyEnginesTests(ITestOutputHelper output)
{
    private const int Engines = 400;
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task IdleEnginesHoldNoThread_AndEveryBlockedEngineGetsOne()
    {
        await using var silo = await SiloProcess.StartAsync(Engines, Patience);
        Assert.Contains($"{Engines} engines [0-{Engines - 1}]", silo.Output); // ranges, not 400 numbers
        await using var rc = await ParallelClient.ConnectAsync(silo.ClientOptions);
        await rc.WaitForEnginesAsync(Engines, Patience);
        await rc[..].ApplyAsync(() => 1).AsTask().WaitAsync(Patience); // every engine has run a task
        var idle = silo.StatusValue("Threads");

        // Each engine's task ends only once every engine's task is running: a fixed set of threads
        // (as many as cores) would wait for ever.
        var meeting = Directory.CreateTempSubdirectory("op-meeting-").FullName;
        try
        {
            var met = await rc[..].ApplyAsync((string dir, int count) =>
            {
                File.WriteAllText(Path.Combine(dir, Guid.NewGuid().ToString("N")), "");
                var until = DateTime.UtcNow.AddMinutes(2);
                while (Directory.GetFiles(dir).Length < count)
                {
                    if (DateTime.UtcNow > until) return false;
                    Thread.Sleep(20);
                }
                return true;
            }, meeting, Engines).AsTask().WaitAsync(Patience);
            Assert.Equal(Engines, met.Count);
            Assert.All(met, Assert.True);
        }
        finally
        {
            Directory.Delete(meeting, recursive: true);
        }

        // The threads those tasks needed end with them.
        var after = silo.StatusValue("Threads");
        for (var until = DateTime.UtcNow + Patience; after >= Engines / 4 && DateTime.UtcNow < until; after = silo.StatusValue("Threads"))
            await Task.Delay(100);
        output.WriteLine($"silo threads with {Engines} idle engines: {idle}; after they all blocked at once and ended: {after}");
        Assert.True(idle < Engines / 4, $"The silo holds {idle} threads for {Engines} idle engines.");
        Assert.True(after < Engines / 4, $"The silo holds {after} threads after its engines' blocking tasks ended.");
        Assert.Equal(0, await silo.StopAsync());
    }
}
