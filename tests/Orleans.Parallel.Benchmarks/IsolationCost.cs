using System.Diagnostics;
using System.Globalization;
using Orleans.Parallel.Errors;
using Orleans.Parallel.Testing;

namespace Orleans.Parallel.Benchmarks;

/// <summary>
/// What isolated engines cost (<c>--only isolation</c>): the same figures on an in-process silo and on
/// an <c>--isolation process</c> one with as many engines (and the run's <c>--hwm</c>), alternating (<c>--isolation-rounds</c>,
/// default 2) so that load drift on the machine shows between rounds rather than in one column; the
/// best of each is kept (<c>inprocess_*</c>, <c>isolated_*</c>) and printed side by side with the
/// ratio isolated/in-process and the issue's goal for the isolated figure. The figures:
/// <list type="bullet">
/// <item><c>apply_roundtrip_ms</c>: the median of single direct Applies on engine 0, one at a time.</item>
/// <item><c>execute_all_ms</c>: as the direct group, distinct code on all engines, the mean.</item>
/// <item><c>push_MBps</c>, <c>pull_MBps</c>: a 256 MiB <c>double[]</c> to engine 0 and back, the
/// median of three (the first into fresh memory among them), after a 1 MiB warm-up.</item>
/// <item><c>lb_tasks_per_s</c>: as the balanced group, 5,000 tiny load-balanced tasks submitted then
/// collected in order; the median of three passes after the balanced group's warm-up.</item>
/// </list>
/// Then, on each isolated silo, <c>isolated_interrupt_to_answer_s</c>: engine 0 spins in
/// <c>while (true) { }</c>, is interrupted (its process killed, a new incarnation takes a spare process)
/// and the time runs until engine 0 answers a new Apply (<c>isolated_interrupt_returned_s</c>: until
/// <c>InterruptAsync</c> returned, the rest being the new process's first task). Not measured in-process: there the spinning
/// thread is abandoned and keeps one of the two cores busy for the rest of the run. With
/// <c>--breakdown</c>, each silo's apply, execute, push and pull also say where their time went
/// (<see cref="Breakdown"/>: an isolated engine stamps start and completion in its process, so the
/// hops to it and back count in the request and reply paths).
/// </summary>
internal static class IsolationCost
{
    private const long PushBytes = 256L << 20;
    private const int LbPasses = 3;

    /// <summary>The figures compared, lower better for <c>_ms</c>; the issue's goal for the isolated one, if any.</summary>
    private static readonly (string Key, Func<double, double, bool>? Goal, string GoalText)[] Compared =
    [
        ("apply_roundtrip_ms", (iso, inproc) => iso <= 2 * inproc && iso < 0.5, "<= 2x, < 0.5"),
        ("execute_all_ms", null, ""),
        ("push_MBps", (iso, _) => iso >= 1000, ">= 1000"),
        ("pull_MBps", (iso, _) => iso >= 1000, ">= 1000"),
        ("lb_tasks_per_s", (iso, _) => iso >= 20_000, ">= 20000"),
    ];

    private static int Echo(int x) => x;

    /// <summary>Ignores every token: only killing its process ends it.</summary>
    private static int Spin()
    {
        while (true) { }
    }

    public static async Task MeasureAsync(int engines, int hwm, Sizes sizes, int rounds, bool breakdown, Figures figures, CancellationToken cancellationToken)
    {
        var runs = new Dictionary<bool, List<Figures>> { [false] = [], [true] = [] };
        var interrupts = new List<(double Returned, double Answered)>();
        for (var round = 0; round < rounds; round++)
            foreach (var isolated in new[] { false, true })
            {
                Console.WriteLine($"-- {(isolated ? "isolated" : "in-process")} silo, round {round + 1}, load {Load()}");
                await using var silo = await SiloProcess.StartAsync(engines, null, "--isolation", isolated ? "process" : "inprocess", "--hwm", hwm.ToString(CultureInfo.InvariantCulture));
                await using var rc = await ParallelClient.ConnectAsync(silo.ClientOptions, cancellationToken);
                await rc.WaitForEnginesAsync(engines, TimeSpan.FromSeconds(60), cancellationToken);
                if (isolated) await CheckIsolatedAsync(rc, silo.ProcessId);
                var run = new Figures();
                Measure(rc, sizes, run, breakdown);
                if (isolated) interrupts.Add(await InterruptToAnswerAsync(rc, cancellationToken));
                runs[isolated].Add(run);
            }

        var table = new List<string> { "", $"{"figure",-20} {"in-process",12} {"isolated",12} {"iso/inproc",10}  goal (isolated)" };
        foreach (var (key, goal, goalText) in Compared)
        {
            var lowerIsBetter = key.EndsWith("_ms", StringComparison.Ordinal);
            double? Best(bool isolated)
            {
                var values = runs[isolated].Select(f => f.Find(key)).OfType<double>().ToArray();
                return values.Length == 0 ? null : lowerIsBetter ? values.Min() : values.Max();
            }
            if (Best(false) is not { } inproc || Best(true) is not { } iso) continue;
            figures.Add($"inprocess_{key}", inproc);
            figures.Add($"isolated_{key}", iso);
            var verdict = goal is null ? "" : $"{goalText}: {(goal(iso, inproc) ? "met" : "MISSED")}";
            table.Add(string.Create(CultureInfo.InvariantCulture, $"{key,-20} {inproc,12:F3} {iso,12:F3} {iso / inproc,10:F2}  {verdict}"));
        }
        if (figures.Find("isolated_apply_roundtrip_ms") is { } a && figures.Find("inprocess_apply_roundtrip_ms") is { } b)
            figures.Add("isolated_apply_roundtrip_ratio", a / b);
        table.Add($"isolated_interrupt_to_answer_s by round (InterruptAsync returned after): {string.Join(' ', interrupts.Select(i => string.Create(CultureInfo.InvariantCulture, $"{i.Answered:F3} ({i.Returned:F3})")))}");
        foreach (var line in table) Console.WriteLine(line); // after the figures' own lines, so the table reads in one piece
        var answered = interrupts.Select(i => i.Answered).Order().ToArray();
        figures.Add("isolated_interrupt_to_answer_s", answered[answered.Length / 2]); // the median (of two rounds: the slower)
        figures.Add("isolated_interrupt_to_answer_s_max", answered[^1]);
        figures.Add("isolated_interrupt_returned_s", interrupts.Select(i => i.Returned).Order().ElementAt(interrupts.Count / 2));
    }

    /// <summary>One silo's figures, printed as they come (the table after all rounds keeps the best of each).</summary>
    private static void Measure(ParallelClient rc, Sizes sizes, Figures run, bool breakdown)
    {
        var all = rc[..];
        all.ExecuteSync("var w = 0;"); // Roslyn's first compilation, apart from every figure
        ApplyRoundTrip(rc, sizes, run, new Breakdown(breakdown));
        ExecuteAll(rc, sizes, run, new Breakdown(breakdown));
        PushPull(rc, run, new Breakdown(breakdown), new Breakdown(breakdown));
        LbTasks(rc, sizes, run);
    }

    private static void ApplyRoundTrip(ParallelClient rc, Sizes sizes, Figures run, Breakdown parts)
    {
        var e0 = rc[0];
        for (var i = 0; i < Math.Max(sizes.Warmup, 100); i++) Check(e0.ApplySync<int, int>(Echo, i), i);
        var times = new double[sizes.ApplyCalls];
        for (var i = 0; i < times.Length; i++)
        {
            var watch = Stopwatch.StartNew();
            Check(parts.Keep(e0.ApplyAsync<int, int>(Echo, i)).Get(), i);
            times[i] = watch.Elapsed.TotalMilliseconds;
        }
        Add(run, "apply_roundtrip_ms", Median(times));
        Add(run, "apply_roundtrip_mean_ms", times.Average());
        parts.Report("apply", run);
    }

    private static void ExecuteAll(ParallelClient rc, Sizes sizes, Figures run, Breakdown parts)
    {
        var all = rc[..];
        for (var i = 1; i < sizes.ExecuteWarmup; i++) all.ExecuteSync($"var w = {i};");
        var ms = Clock.Ms(() =>
        {
            for (var i = 0; i < sizes.ExecuteCalls; i++) parts.Keep(all.ExecuteAsync($"var v = {i};")).Get(); // distinct code: no cache answers
        });
        Add(run, "execute_all_ms", ms / sizes.ExecuteCalls);
        parts.Report("execute", run);
    }

    private static void PushPull(ParallelClient rc, Figures run, Breakdown push, Breakdown pull)
    {
        var e0 = rc[0];
        e0.PushSync("iso", new double[128 * 1024]);
        e0.PullSync<double[]>("iso");
        var data = new double[PushBytes / sizeof(double)];
        var random = new Random(42);
        for (var i = 0; i < data.Length; i++) data[i] = random.NextDouble();
        var megabytes = PushBytes / 1e6;
        var pushes = new List<double>();
        var pulls = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            pushes.Add(Clock.Ms(() => push.Keep(e0.PushAsync("iso", data)).Get()));
            double[] back = [];
            pulls.Add(Clock.Ms(() => back = pull.Keep(e0.PullAsync<double[]>("iso")).Get()));
            if (i == 0 && !back.AsSpan().SequenceEqual(data)) throw new InvalidOperationException("The pulled array differs from the pushed one.");
        }
        Add(run, "push_MBps", megabytes / (Median(pushes) / 1e3));
        Add(run, "pull_MBps", megabytes / (Median(pulls) / 1e3));
        push.Report("push", run);
        pull.Report("pull", run);
        e0.ClearSync();
    }

    /// <summary>The balanced group's tiny tasks, after its warm-up.</summary>
    private static void LbTasks(ParallelClient rc, Sizes sizes, Figures run)
    {
        var lb = rc.LoadBalancedView();
        for (var i = 0; i < sizes.Warmup; i++) Check(lb.ApplySync<int, int>(Echo, i), i);
        foreach (var ar in Enumerable.Range(0, 200).Select(i => lb.ApplyAsync<int, int>(Echo, i)).ToArray()) ar.Get();
        lb.MapSync<int, int>(Echo, Enumerable.Range(0, 2 * sizes.LbMapChunk), chunkSize: sizes.LbMapChunk);
        var rates = Enumerable.Range(0, LbPasses).Select(_ => sizes.LbTasks / (Clock.Ms(() =>
        {
            var results = new Results.AsyncResult<int>[sizes.LbTasks];
            for (var i = 0; i < results.Length; i++) results[i] = lb.ApplyAsync<int, int>(Echo, i);
            for (var i = 0; i < results.Length; i++) Check(results[i].Get(), i);
        }) / 1e3)).ToArray();
        Console.WriteLine($"lb_tasks_per_s by pass: {string.Join(' ', rates.Select(r => r.ToString("F0", CultureInfo.InvariantCulture)))}");
        Add(run, "lb_tasks_per_s", Median(rates));
    }

    /// <summary>Engine 0 spins; interrupted; the time until it answers a new Apply (the new incarnation's).</summary>
    private static async Task<(double Returned, double Answered)> InterruptToAnswerAsync(ParallelClient rc, CancellationToken cancellationToken)
    {
        var spinning = rc[0].ApplyAsync(Spin);
        while ((await rc.QueueStatusAsync([0], verbose: true, cancellationToken)).Engines[0].Running is null) await Task.Delay(20, cancellationToken);
        await Task.Delay(200, cancellationToken); // well into the loop
        var clock = Stopwatch.StartNew();
        await rc.InterruptAsync(0, cancellationToken);
        var returned = clock.Elapsed.TotalSeconds;
        var answer = await rc[0].ApplyAsync<int, int>(Echo, 7).AsTask().WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        var seconds = clock.Elapsed.TotalSeconds;
        Check(answer, 7);
        try
        {
            await spinning.AsTask().WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
            throw new InvalidOperationException("The interrupted task succeeded.");
        }
        catch (EngineException) { }
        return (returned, seconds);
    }

    /// <summary>An isolated silo's engines must run in processes other than the silo's, or the figures compare nothing.</summary>
    private static async Task CheckIsolatedAsync(ParallelClient rc, int siloPid)
    {
        var pids = await rc[..].ApplyAsync(() => Environment.ProcessId);
        if (pids.Contains(siloPid) || pids.Distinct().Count() != pids.Count)
            throw new InvalidOperationException($"The isolated silo ({siloPid}) ran its engines in processes {string.Join(", ", pids)}.");
    }

    private static void Add(Figures run, string key, double value) => run.Add(key, value);

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    private static string Load() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static void Check(int actual, int expected)
    {
        if (actual != expected) throw new InvalidOperationException($"Expected {expected}, got {actual}.");
    }
}
