using System.Text;

namespace Orleans.Parallel.Registry;

/// <summary>Engine ids as ranges ("0-9999", "0-3, 5, 8-9"): a silo of 10,000 engines prints one line, not 10,000 numbers.</summary>
public static class EngineIdRanges
{
    /// <summary>The ids, sorted and without repeats, as ranges: "0-3, 5, 8-9".</summary>
    public static string Format(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var text = new StringBuilder();
        int? start = null, end = null;
        foreach (var id in ids.Order())
        {
            if (end is { } last && (id == last || id == last + 1))
            {
                end = id;
                continue;
            }
            Append(text, start, end);
            start = end = id;
        }
        Append(text, start, end);
        return text.ToString();
    }

    private static void Append(StringBuilder text, int? start, int? end)
    {
        if (start is not { } from || end is not { } to) return;
        if (text.Length > 0) text.Append(", ");
        text.Append(from);
        if (to > from) text.Append(to == from + 1 ? ", " : "-").Append(to);
    }
}
