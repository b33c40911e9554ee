using Microsoft.Extensions.Hosting;

namespace Orleans.Parallel.Hosting;

/// <summary>
/// <c>--parent-pid</c> of the silo tool and of <c>opx start</c>: a silo started by a test, benchmark or
/// script stops when that process exits, even when it was killed, so none is left behind.
/// </summary>
internal static class ParentProcess
{
    /// <summary>Stops <paramref name="lifetime"/>'s application once process <paramref name="parentPid"/> has exited (at once if it has), saying so as <paramref name="who"/>.</summary>
    public static async Task StopWithAsync(int parentPid, IHostApplicationLifetime lifetime, string who)
    {
        try
        {
            using var parent = System.Diagnostics.Process.GetProcessById(parentPid);
            await parent.WaitForExitAsync().ConfigureAwait(false);
        }
        catch (ArgumentException)
        {
            // Already gone.
        }
        Console.WriteLine($"{who}: the process that started it ({parentPid}) has exited; stopping.");
        lifetime.StopApplication();
    }
}
