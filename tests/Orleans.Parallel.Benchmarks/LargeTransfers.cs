namespace Orleans.Parallel.Benchmarks;

/// <summary>
/// A 1 GiB <c>double[]</c> pushed to an engine and pulled back (not in ipp_bench, whose largest is
/// 80 MB): <c>push_1GiB_MBps</c> and <c>pull_1GiB_MBps</c> are the first transfer of each, into
/// fresh memory on the receiving side, as a user's first big array meets it; the <c>_repeat</c>
/// figures are the median of three more, which reuse the memory of the arrays they replace. The
/// array is checked after the round trip. <c>fresh_memory_MBps</c> is how fast this process writes
/// to memory it has never touched: the bound on any first receipt, page faults included.
/// </summary>
internal static class LargeTransfers
{
    private const long Bytes = 1L << 30;

    public static void Measure(ParallelClient rc, Figures figures, bool breakdown)
    {
        var e0 = rc[0];
        e0.PushSync("large", new double[128 * 1024]); // the bulk code and connection are warm on both sides
        e0.PullSync<double[]>("large");

        figures.Add("fresh_memory_MBps", FreshMemoryMBps());
        var data = new double[Bytes / sizeof(double)];
        for (var i = 0; i < data.Length; i++) data[i] = i * 0.5;
        var megabytes = Bytes / 1e6;
        var (push, pull) = (new Breakdown(breakdown), new Breakdown(breakdown));

        var pushMs = Clock.Ms(() => push.Keep(e0.PushAsync("large", data)).Get());
        figures.Add("push_1GiB_MBps", megabytes / (pushMs / 1e3));
        push.Report("push_1GiB", figures);
        double[] back = [];
        var pullMs = Clock.Ms(() => back = pull.Keep(e0.PullAsync<double[]>("large")).Get());
        figures.Add("pull_1GiB_MBps", megabytes / (pullMs / 1e3));
        pull.Report("pull_1GiB", figures);
        if (!back.AsSpan().SequenceEqual(data)) throw new InvalidOperationException("The pulled 1 GiB array differs from the pushed one.");
        back = [];

        var pushes = new List<double>();
        var pulls = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            pushes.Add(Clock.Ms(() => e0.PushAsync("large", data).Get()));
            pulls.Add(Clock.Ms(() => e0.PullAsync<double[]>("large").Get()));
        }
        figures.Add("push_1GiB_MBps_repeat", megabytes / (pushes.Order().ElementAt(1) / 1e3));
        figures.Add("pull_1GiB_MBps_repeat", megabytes / (pulls.Order().ElementAt(1) / 1e3));
        e0.ClearSync(); // 1 GiB the later figures should not carry around
    }

    /// <summary>Writes one byte per page of a new 256 MiB array: what first writes cost, page faults and all.</summary>
    private static double FreshMemoryMBps()
    {
        const int size = 256 * 1024 * 1024;
        var ms = Clock.Ms(() =>
        {
            var fresh = GC.AllocateUninitializedArray<byte>(size);
            for (var i = 0; i < size; i += 4096) fresh[i] = 1;
            GC.KeepAlive(fresh);
        });
        return size / 1e6 / (ms / 1e3);
    }
}
