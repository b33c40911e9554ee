using Orleans.Parallel.Testing;

namespace Orleans.Parallel.Benchmarks;

/// <summary>
/// What task records cost the load-balanced path: the 5,000-tiny-task figure against a silo that
/// records every task in its in-memory store and against one started with <c>--task-store none</c>.
/// The two silos take turns (memory, none, memory, none) so drift on the machine falls on both.
/// </summary>
internal static class RecordsOverhead
{
    private const int Rounds = 2, Passes = 5;

    private static int Echo(int x) => x;

    public static async Task MeasureAsync(int engines, int highWaterMark, Sizes sizes, Figures figures, CancellationToken cancellationToken)
    {
        var rates = new Dictionary<string, List<double>> { ["memory"] = [], ["none"] = [] };
        for (var round = 0; round < Rounds; round++)
            foreach (var store in rates.Keys)
            {
                await using var silo = await SiloProcess.StartAsync(engines, null,
                    ["--hwm", highWaterMark.ToString(System.Globalization.CultureInfo.InvariantCulture), "--task-store", store]);
                await using var rc = await ParallelClient.ConnectAsync(silo.ClientOptions, cancellationToken);
                await rc.WaitForEnginesAsync(engines, TimeSpan.FromSeconds(60), cancellationToken);
                var lb = rc.LoadBalancedView();
                Pass(lb, sizes.LbTasks); // warm-up
                for (var i = 0; i < Passes; i++) rates[store].Add(Pass(lb, sizes.LbTasks));
            }
        double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
        var with = Median(rates["memory"]);
        var without = Median(rates["none"]);
        figures.Add("lb_tasks_per_s_records_median", with);
        figures.Add("lb_tasks_per_s_no_records_median", without);
        figures.Add("records_overhead_pct", (1 - with / without) * 100);
    }

    private static double Pass(Views.LoadBalancedView lb, int tasks) => tasks / (Clock.Ms(() =>
    {
        var results = new Results.AsyncResult<int>[tasks];
        for (var i = 0; i < results.Length; i++) results[i] = lb.ApplyAsync<int, int>(Echo, i);
        for (var i = 0; i < results.Length; i++)
            if (results[i].Get() != i) throw new InvalidOperationException($"Task {i} gave {results[i].Get()}.");
    }) / 1e3);
}
