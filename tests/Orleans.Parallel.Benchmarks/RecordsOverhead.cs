using Orleans.Parallel.Testing;

namespace Orleans.Parallel.Benchmarks;

/// <summary>
/// What task records cost the load-balanced path: the 5,000-tiny-task figure against a silo that
/// records every task in its in-memory store and against one started with <c>--task-store none</c>.
/// The two silos take turns (memory, none, memory, none) so drift on the machine falls on both.
/// </summary>
internal static class RecordsOverhead
{
    private const int Rounds = 3;

    private static int Echo(int x) => x;

    public static async Task MeasureAsync(int engines, int highWaterMark, int passes, Sizes sizes, Figures figures, CancellationToken cancellationToken)
    {
        var rates = new Dictionary<string, List<double>> { ["memory"] = [], ["none"] = [] };
        var siloCpu = new Dictionary<string, double> { ["memory"] = 0, ["none"] = 0 };
        var clientCpu = new Dictionary<string, double> { ["memory"] = 0, ["none"] = 0 };
        for (var round = 0; round < Rounds; round++)
            foreach (var store in rates.Keys)
            {
                await using var silo = await SiloProcess.StartAsync(engines, null,
                    ["--hwm", highWaterMark.ToString(System.Globalization.CultureInfo.InvariantCulture), "--task-store", store]);
                await using var rc = await ParallelClient.ConnectAsync(silo.ClientOptions, cancellationToken);
                await rc.WaitForEnginesAsync(engines, TimeSpan.FromSeconds(60), cancellationToken);
                var lb = rc.LoadBalancedView();
                Pass(lb, sizes.LbTasks); // warm-up
                using var process = System.Diagnostics.Process.GetProcessById(silo.ProcessId);
                Quiesce(process);
                var (silo0, client0) = (CpuSeconds(process), CpuSeconds(System.Diagnostics.Process.GetCurrentProcess()));
                for (var i = 0; i < passes; i++) rates[store].Add(Pass(lb, sizes.LbTasks));
                process.Refresh();
                siloCpu[store] += CpuSeconds(process) - silo0;
                clientCpu[store] += CpuSeconds(System.Diagnostics.Process.GetCurrentProcess()) - client0;
            }
        foreach (var (store, byPass) in rates)
            Console.WriteLine($"records {store,-6} tasks/s by pass: {string.Join(' ', byPass.Select(r => r.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))}");
        double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
        var with = Median(rates["memory"]);
        var without = Median(rates["none"]);
        figures.Add("lb_tasks_per_s_records_median", with);
        figures.Add("lb_tasks_per_s_no_records_median", without);
        figures.Add("records_overhead_pct", (1 - with / without) * 100);
        // CPU per task says where the cost lands, and is steadier than the rate on a busy machine.
        var tasks = (double)Rounds * passes * sizes.LbTasks;
        figures.Add("records_silo_cpu_us_per_task", siloCpu["memory"] / tasks * 1e6);
        figures.Add("no_records_silo_cpu_us_per_task", siloCpu["none"] / tasks * 1e6);
        figures.Add("records_client_cpu_us_per_task", clientCpu["memory"] / tasks * 1e6);
        figures.Add("no_records_client_cpu_us_per_task", clientCpu["none"] / tasks * 1e6);
    }

    /// <summary>
    /// Waits until the silo is idle: as it starts it compiles a first script in the background
    /// (Roslyn, seconds of CPU), which would otherwise land in one silo's figures and not the other's.
    /// </summary>
    private static void Quiesce(System.Diagnostics.Process silo)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            silo.Refresh();
            var before = CpuSeconds(silo);
            Thread.Sleep(500);
            silo.Refresh();
            if (CpuSeconds(silo) - before < 0.05) return; // under 10% of a core
        }
    }

    private static double CpuSeconds(System.Diagnostics.Process process) => process.TotalProcessorTime.TotalSeconds;

    private static double Pass(Views.LoadBalancedView lb, int tasks) => tasks / (Clock.Ms(() =>
    {
        var results = new Results.AsyncResult<int>[tasks];
        for (var i = 0; i < results.Length; i++) results[i] = lb.ApplyAsync<int, int>(Echo, i);
        for (var i = 0; i < results.Length; i++)
            if (results[i].Get() != i) throw new InvalidOperationException($"Task {i} gave {results[i].Get()}.");
    }) / 1e3);
}
