using System.Diagnostics;
using Orleans.Parallel.Engine;

namespace Orleans.Parallel.Benchmarks;

/// <summary>
/// A task that prints 100 MB while the client reads its live output: what the silo and the client
/// hold meanwhile must stay bounded (the task's unsent buffer, the kept tail, the reader's queue),
/// not grow with the output.
/// </summary>
internal static class ChattyOutput
{
    private const double MB = 1e6;
    private const int Lines = 10_000, LineChars = 10_000; // 100 M characters

    public static void Measure(ParallelClient rc, int siloProcessId, Figures figures)
    {
        using var silo = Process.GetProcessById(siloProcessId);
        var siloBefore = silo.WorkingSet64;
        var clientBefore = GC.GetTotalMemory(forceFullCollection: true);
        var watch = Stopwatch.StartNew();
        var ar = rc[rc.Ids[0]].ApplyAsync(() =>
        {
            var line = new string('x', LineChars - 1);
            for (var i = 0; i < Lines; i++) Console.WriteLine(line);
            return Lines;
        });
        long streamed = 0, siloPeak = siloBefore, clientPeak = clientBefore;
        var run = Task.Run(async () =>
        {
            await foreach (var chunk in ar.Output)
            {
                streamed += chunk.Text.Length;
                if (streamed % (10 * 1024 * 1024) < chunk.Text.Length)
                {
                    silo.Refresh();
                    siloPeak = Math.Max(siloPeak, silo.WorkingSet64);
                    clientPeak = Math.Max(clientPeak, GC.GetTotalMemory(forceFullCollection: false));
                }
            }
        });
        run.GetAwaiter().GetResult();
        if (ar.Get() != Lines) throw new InvalidOperationException("The chatty task did not finish.");
        figures.Add("chatty_output_MB", streamed / MB);
        figures.Add("chatty_output_MB_per_s", streamed / MB / watch.Elapsed.TotalSeconds);
        figures.Add("chatty_kept_stdout_chars", ar.Stdout[0].Length);
        figures.Add("chatty_silo_rss_before_MB", siloBefore / MB);
        figures.Add("chatty_silo_rss_peak_MB", siloPeak / MB);
        figures.Add("chatty_client_heap_before_MB", clientBefore / MB);
        figures.Add("chatty_client_heap_peak_MB", clientPeak / MB);
    }
}
