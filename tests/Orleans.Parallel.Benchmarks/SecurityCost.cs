using System.Globalization;
using Orleans.Parallel.Testing;

namespace Orleans.Parallel.Benchmarks;

/// <summary>
/// What mutual TLS costs: the direct, load-balanced and 1 GiB figures on a secure silo (the default)
/// and on an <c>--insecure</c> one, alternating (<c>--security-rounds</c>, default 2) so that neither always
/// runs on a warmer or quieter machine; the best of each is kept (<c>secure_*</c>, <c>insecure_*</c>) and
/// printed side by side. Then the bulk path's stream alone (<see cref="TlsStream"/>): TLS against plain TCP
/// without the silo's memory effects, which swing the 1 GiB figures between runs.
/// </summary>
internal static class SecurityCost
{
    private static readonly string[] Compared =
        ["apply_roundtrip_ms", "lb_apply_roundtrip_ms", "lb_tasks_per_s", "execute_all_ms", "push_MBps", "pull_MBps", "push_MBps_repeat", "pull_MBps_repeat", "push_1GiB_MBps_repeat", "pull_1GiB_MBps_repeat"];

    public static async Task MeasureAsync(int engines, Sizes sizes, int rounds, Figures figures, CancellationToken cancellationToken)
    {
        var runs = new Dictionary<bool, List<Figures>> { [false] = [], [true] = [] };
        for (var round = 0; round < rounds; round++)
            foreach (var insecure in new[] { false, true })
            {
                Console.WriteLine($"-- {(insecure ? "insecure" : "secure")} silo, round {round + 1}");
                string[] args = insecure ? ["--insecure"] : [];
                await using var silo = await SiloProcess.StartAsync(engines, null, args);
                var options = silo.ClientOptions;
                options.Insecure = insecure;
                await using var rc = await ParallelClient.ConnectAsync(options, cancellationToken);
                await rc.WaitForEnginesAsync(engines, TimeSpan.FromSeconds(60), cancellationToken);
                var run = new Figures();
                new Workload(rc, sizes, run, breakdown: false).Run();
                new BalancedFigures(rc, sizes, run).Run();
                LargeTransfers.Measure(rc, run, breakdown: false);
                runs[insecure].Add(run);
            }

        Console.WriteLine();
        Console.WriteLine($"{"figure",-24} {"secure",12} {"insecure",12} {"TLS cost",9}");
        foreach (var key in Compared)
        {
            var lowerIsBetter = key.EndsWith("_ms", StringComparison.Ordinal);
            double? Best(bool insecure)
            {
                var values = runs[insecure].Select(f => f.Find(key)).OfType<double>().ToArray();
                return values.Length == 0 ? null : lowerIsBetter ? values.Min() : values.Max();
            }
            if (Best(false) is not { } secure || Best(true) is not { } open) continue;
            figures.Add($"secure_{key}", secure);
            figures.Add($"insecure_{key}", open);
            Row(key, secure, open, lowerIsBetter);
        }

        TlsStream.Measure(figures);
        if (figures.Find("bulk_stream_tls_MBps") is { } tls && figures.Find("bulk_stream_plain_MBps") is { } plain)
            Row("bulk_stream_MBps", tls, plain, lowerIsBetter: false);
    }

    private static void Row(string key, double secure, double open, bool lowerIsBetter)
    {
        var cost = lowerIsBetter ? secure / open - 1 : open / secure - 1; // how much worse secure is
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{key,-24} {secure,12:F3} {open,12:F3} {cost,8:P0}"));
    }
}
