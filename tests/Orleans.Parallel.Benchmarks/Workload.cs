namespace Orleans.Parallel.Benchmarks;

/// <summary>
/// The workload of ipp_bench.py (the figures this project has so far), against a connected client.
/// Each <c>XxxSync(...)</c> of the API is <c>XxxAsync(...).Get()</c>; the timed loops call that pair
/// themselves only to keep the AsyncResult for the optional <see cref="Breakdown"/>.
/// </summary>
internal sealed class Workload(ParallelClient rc, Sizes sizes, Figures figures, bool breakdown)
{
    /// <summary>ipp_bench's <c>echo</c>: a static method, so only its identity travels.</summary>
    private static int Echo(int x) => x;

    public void Run()
    {
        FirstExecute();
        ApplyRoundTrip();
        ApplyClosureRoundTrip();
        PushPull();
        ScatterGather();
        ExecuteAll();
    }

    private void ApplyRoundTrip()
    {
        var e0 = rc[0];
        for (var i = 0; i < sizes.Warmup; i++) Check(e0.ApplySync<int, int>(Echo, 1), 1);
        var parts = new Breakdown(breakdown);
        var ms = Clock.Ms(() =>
        {
            for (var i = 0; i < sizes.ApplyCalls; i++) Check(parts.Keep(e0.ApplyAsync<int, int>(Echo, i)).Get(), i);
        });
        figures.Add("apply_roundtrip_ms", ms / sizes.ApplyCalls);
        parts.Report("apply", figures);
    }

    /// <summary>Not in ipp_bench: a lambda whose closure (1 KB captured) travels with every call.</summary>
    private void ApplyClosureRoundTrip()
    {
        var e0 = rc[0];
        var blob = new byte[1024];
        Random.Shared.NextBytes(blob);
        var lookup = Lookup(blob);
        for (var i = 0; i < sizes.Warmup; i++) Check(e0.ApplySync(lookup, i), blob[i % blob.Length]);
        var parts = new Breakdown(breakdown);
        var ms = Clock.Ms(() =>
        {
            for (var i = 0; i < sizes.ApplyCalls; i++) Check(parts.Keep(e0.ApplyAsync(lookup, i)).Get(), blob[i % blob.Length]);
        });
        figures.Add("apply_closure_roundtrip_ms", ms / sizes.ApplyCalls);
        parts.Report("apply_closure", figures);
    }

    /// <summary>
    /// Built in its own method so the closure holds only <paramref name="blob"/>: C# shares one closure
    /// object among all lambdas of a scope, and the timing lambdas capture the view and this delegate.
    /// </summary>
    private static Func<int, int> Lookup(byte[] blob) => x => blob[x % blob.Length];

    /// <summary>
    /// ipp_bench's push and pull of an 80 MB <c>double[]</c> (the bulk path). A 1 MB array goes first,
    /// so the figure is not the first-ever use of the bulk code on either side (JIT, connection); the
    /// 80 MB transfer is still the first into fresh memory on each side, as in ipp_bench. The same
    /// transfer is then repeated, into memory the GC has used before, for the <c>_repeat</c> figures.
    /// </summary>
    private void PushPull()
    {
        var e0 = rc[0];
        var warm = new double[128 * 1024];
        e0.PushAsync(new { a = warm }).Get();
        e0.PullAsync<double[]>("a").Get();

        var data = new double[sizes.PushDoubles];
        var random = new Random(42);
        for (var i = 0; i < data.Length; i++) data[i] = random.NextDouble();
        var megabytes = data.Length * sizeof(double) / 1e6;
        var (push, pull) = (new Breakdown(breakdown), new Breakdown(breakdown));

        var pushMs = Clock.Ms(() => push.Keep(e0.PushAsync(new { a = data })).Get());
        figures.Add("push_MBps", megabytes / (pushMs / 1e3));
        push.Report("push", figures);
        double[] back = [];
        var pullMs = Clock.Ms(() => back = pull.Keep(e0.PullAsync<double[]>("a")).Get());
        figures.Add("pull_MBps", megabytes / (pullMs / 1e3));
        pull.Report("pull", figures);
        if (!back.AsSpan().SequenceEqual(data)) throw new InvalidOperationException("Pulled array differs from the pushed one.");

        back = [];
        var repeats = Enumerable.Range(0, 5).Select(_ =>
            (Push: Clock.Ms(() => e0.PushAsync(new { a = data }).Get()), Pull: Clock.Ms(() => e0.PullAsync<double[]>("a").Get()))).ToArray();
        figures.Add("push_MBps_repeat", megabytes / (Median(repeats.Select(r => r.Push)) / 1e3));
        figures.Add("pull_MBps_repeat", megabytes / (Median(repeats.Select(r => r.Pull)) / 1e3));
        e0.ClearSync(); // 80 MB the later figures should not carry around
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    private void ScatterGather()
    {
        var all = rc[..];
        var data = Enumerable.Range(0, sizes.ScatterInts).ToArray();
        var (scatter, gather) = (new Breakdown(breakdown), new Breakdown(breakdown));
        IReadOnlyList<int> back = [];
        var ms = Clock.Ms(() =>
        {
            scatter.Keep(all.ScatterAsync("x", data)).Get();
            back = gather.Keep(all.GatherAsync<int>("x")).Get();
        });
        if (!back.SequenceEqual(data)) throw new InvalidOperationException("Gathered sequence differs from the scattered one.");
        figures.Add("scatter_gather_1M_ms", ms);
        scatter.Report("scatter", figures);
        gather.Report("gather", figures);
    }

    /// <summary>
    /// Roslyn's first compilations load and JIT the compiler (seconds; the silo starts that in the
    /// background when it comes up). Done first, and reported apart, so that no later figure is
    /// measured while the silo is still busy warming up; ipyparallel's Python engines start warm.
    /// </summary>
    private void FirstExecute() => figures.Add("execute_first_ms", Clock.Ms(() => rc[..].ExecuteSync("var w = 0;")));

    private void ExecuteAll()
    {
        var all = rc[..];
        for (var i = 1; i < sizes.ExecuteWarmup; i++) all.ExecuteSync($"var w = {i};");
        var parts = new Breakdown(breakdown);
        var ms = Clock.Ms(() =>
        {
            // Distinct code each time, as in ipp_bench, so no compilation cache can answer.
            for (var i = 0; i < sizes.ExecuteCalls; i++) parts.Keep(all.ExecuteAsync($"var v = {i};")).Get();
        });
        figures.Add("execute_all_ms", ms / sizes.ExecuteCalls);
        parts.Report("execute", figures);
    }

    private static void Check<T>(T actual, T expected)
    {
        if (!EqualityComparer<T>.Default.Equals(actual, expected))
            throw new InvalidOperationException($"Engine returned {actual}, expected {expected}.");
    }
}
