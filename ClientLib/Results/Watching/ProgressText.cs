using System.Globalization;

namespace Orleans.Parallel.Results.Watching;

/// <summary>The words of a progress snapshot, the same in the live bar and the plain lines.</summary>
internal static class ProgressText
{
    /// <summary>The snapshot's parts: "12/100 items (12%)", "3.4 items/s", "elapsed 0:00:03", "ETA 0:00:26", "2/4 engines busy", "1 failed".</summary>
    public static IReadOnlyList<string> Parts(ProgressSnapshot s)
    {
        var parts = new List<string>(6)
        {
            s.Total is { } total
                ? Invariant($"{s.Done}/{total} {s.Unit} ({Math.Floor(100 * s.Fraction!.Value):0}%)")
                : Invariant($"{s.Done} {s.Unit}"),
            Invariant($"{s.Rate:0.0} {s.Unit}/s"),
            "elapsed " + Duration(s.Elapsed),
        };
        if (s.Total is not null && s.Done < s.Total) parts.Add("ETA " + (s.Eta is { } eta ? Duration(eta) : "?"));
        // Once all is done the last status read is stale: engines that were busy with it are not any more.
        if (s.Engines is { } engines && !(s.Total is { } all && s.Done >= all)) parts.Add(Invariant($"{engines.Busy}/{engines.Engines} engines busy"));
        if (s.Failed > 0) parts.Add(Invariant($"{s.Failed} failed"));
        return parts;
    }

    /// <summary>One plain line: the parts joined by commas.</summary>
    public static string Line(ProgressSnapshot s) => string.Join(", ", Parts(s));

    /// <summary>Hours, minutes and seconds, as 0:01:05 (hours grow past 24 rather than turning into days).</summary>
    public static string Duration(TimeSpan t)
    {
        if (t < TimeSpan.Zero) t = TimeSpan.Zero;
        var seconds = (long)Math.Round(t.TotalSeconds);
        return Invariant($"{seconds / 3600}:{seconds / 60 % 60:00}:{seconds % 60:00}");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
