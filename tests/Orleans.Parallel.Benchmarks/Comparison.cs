using System.Globalization;
using Spectre.Console;

namespace Orleans.Parallel.Benchmarks;

/// <summary>The side-by-side table: every key either system reported, and how Orleans.Parallel compares.</summary>
internal static class Comparison
{
    public static void Print(Figures ours, Figures ipp)
    {
        var table = new Table()
            .Title("Orleans.Parallel vs ipyparallel")
            .Caption("ratio > 1: Orleans.Parallel is better (less time, or more throughput)")
            .AddColumn("key")
            .AddColumn(new TableColumn("Orleans.Parallel").RightAligned())
            .AddColumn(new TableColumn("ipyparallel").RightAligned())
            .AddColumn(new TableColumn("ratio").RightAligned());
        var keys = ours.Items.Select(i => i.Key).Concat(ipp.Items.Select(i => i.Key)).Distinct();
        foreach (var key in keys)
        {
            var (a, b) = (ours.Find(key), ipp.Find(key));
            table.AddRow(key, Format(a), Format(b), Format(Ratio(key, a, b), "F2"));
        }
        AnsiConsole.Write(table);
    }

    /// <summary>Times improve downwards, rates upwards; other figures (memory, speedup) have no better direction to compare.</summary>
    private static double? Ratio(string key, double? ours, double? ipp)
    {
        if (ours is not > 0 || ipp is not > 0) return null;
        if (key.EndsWith("MBps") || key.EndsWith("_per_s")) return ours / ipp;
        if (key.EndsWith("_ms")) return ipp / ours;
        return null;
    }

    private static string Format(double? value, string format = "F3") =>
        value?.ToString(format, CultureInfo.InvariantCulture) ?? "-";
}
