using System.Diagnostics;
using Orleans.Parallel.Grains.Isolation.Parent;
using Orleans.Parallel.Tests.Cluster;

namespace Orleans.Parallel.Tests.Isolation;

/// <summary>
/// How a silo ends an engine's process: the process and what it started, killed outright (never
/// stopped first, so a silo that dies midway leaves nothing stopped behind).
/// </summary>
public sealed class ProcessTreeTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Kill_EndsTheProcessAndEverythingBelowIt()
    {
        using var shell = Process.Start(new ProcessStartInfo("sh", ["-c", "sleep 300 & sleep 300 & wait"]) { UseShellExecute = false })!;
        await ClusterAssert.EventuallyAsync(() => ProcessTree.Descendants(shell.Id).Count == 2, "the shell started its two sleeps", Patience);
        var below = ProcessTree.Descendants(shell.Id);

        ProcessTree.Kill(shell);

        await shell.WaitForExitAsync().WaitAsync(Patience);
        await ClusterAssert.EventuallyAsync(() => below.All(Ended), "the sleeps have ended", Patience);
    }

    [Fact]
    public void Descendants_OfAProcessWithNone_IsEmpty_AndKillingAnExitedProcessDoesNothing()
    {
        using var done = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        done.WaitForExit();
        Assert.Empty(ProcessTree.Descendants(done.Id));
        ProcessTree.Kill(done); // an engine process that exited on its own is killed at shutdown too
        Assert.True(done.HasExited);
    }

    /// <summary>Gone, or a zombie waiting for its new parent to reap it (it runs no more).</summary>
    internal static bool Ended(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2] == 'Z';
        }
        catch (IOException) { return true; }
    }
}
