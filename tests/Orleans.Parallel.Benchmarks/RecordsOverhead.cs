using Orleans.Parallel.Testing;

namespace Orleans.Parallel.Benchmarks;

/// <summary>
/// What task records cost the load-balanced path: the 5,000-tiny-task figure against a silo that
/// records every task in its in-memory store and against one started with <c>--task-store none</c>.
/// Both silos run side by side and the passes alternate between them (memory, none, none, memory…),
/// so drift on a shared machine falls on both alike; the overhead is the median over those pairs.
/// </summary>
internal static class RecordsOverhead
{
    private const int Rounds = 3;

    private static readonly string[] Stores = ["memory", "none"];

    private static int Echo(int x) => x;

    public static async Task MeasureAsync(int engines, int highWaterMark, int passes, Sizes sizes, Figures figures, CancellationToken cancellationToken)
    {
        var sides = new Dictionary<string, Side>();
        try
        {
            foreach (var store in Stores)
            {
                var silo = await SiloProcess.StartAsync(engines, null,
                    ["--hwm", highWaterMark.ToString(System.Globalization.CultureInfo.InvariantCulture), "--task-store", store]);
                var side = sides[store] = new Side(silo);
                side.Client = await ParallelClient.ConnectAsync(silo.ClientOptions, cancellationToken);
                await side.Client.WaitForEnginesAsync(engines, TimeSpan.FromSeconds(60), cancellationToken);
                Pass(side.Client.LoadBalancedView(), sizes.LbTasks); // warm-up
            }
            foreach (var side in sides.Values) Quiesce(side.Process);
            foreach (var side in sides.Values) side.SiloCpu0 = CpuSeconds(side.Process);
            var client = System.Diagnostics.Process.GetCurrentProcess();
            var pairs = Rounds * passes;
            for (var i = 0; i < pairs; i++)
                foreach (var store in i % 2 == 0 ? Stores : Stores.Reverse())
                {
                    var side = sides[store];
                    client.Refresh();
                    var before = CpuSeconds(client);
                    side.Rates.Add(Pass(side.Client!.LoadBalancedView(), sizes.LbTasks));
                    client.Refresh();
                    side.ClientCpu += CpuSeconds(client) - before;
                }

            foreach (var (store, side) in sides)
                Console.WriteLine($"records {store,-6} tasks/s by pass: {string.Join(' ', side.Rates.Select(r => r.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))}");
            static double Median(IEnumerable<double> values)
            {
                var sorted = values.Order().ToArray();
                return sorted[sorted.Length / 2];
            }
            var (with, without) = (sides["memory"], sides["none"]);
            figures.Add("lb_tasks_per_s_records_median", Median(with.Rates));
            figures.Add("lb_tasks_per_s_no_records_median", Median(without.Rates));
            figures.Add("records_overhead_pct", Median(with.Rates.Zip(without.Rates, (w, n) => (1 - w / n) * 100)));
            // CPU per task says where the cost lands, and is steadier than the rate on a busy machine.
            var tasks = (double)pairs * sizes.LbTasks;
            foreach (var side in sides.Values) side.Process.Refresh();
            figures.Add("records_silo_cpu_us_per_task", (CpuSeconds(with.Process) - with.SiloCpu0) / tasks * 1e6);
            figures.Add("no_records_silo_cpu_us_per_task", (CpuSeconds(without.Process) - without.SiloCpu0) / tasks * 1e6);
            figures.Add("records_client_cpu_us_per_task", with.ClientCpu / tasks * 1e6);
            figures.Add("no_records_client_cpu_us_per_task", without.ClientCpu / tasks * 1e6);
        }
        finally
        {
            foreach (var side in sides.Values) await side.DisposeAsync();
        }
    }

    /// <summary>One silo of the comparison, its client and what was measured on it.</summary>
    private sealed class Side(SiloProcess silo) : IAsyncDisposable
    {
        public System.Diagnostics.Process Process { get; } = System.Diagnostics.Process.GetProcessById(silo.ProcessId);
        public ParallelClient? Client { get; set; }
        public List<double> Rates { get; } = [];
        public double SiloCpu0 { get; set; }
        public double ClientCpu { get; set; }

        public async ValueTask DisposeAsync()
        {
            if (Client is not null) await Client.DisposeAsync();
            Process.Dispose();
            await silo.DisposeAsync();
        }
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
