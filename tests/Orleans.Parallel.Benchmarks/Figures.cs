using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orleans.Parallel.Benchmarks;

/// <summary>Named measurements in the order they were taken; printed and written like ipp_bench.py's.</summary>
internal sealed class Figures
{
    private readonly List<KeyValuePair<string, double>> _items = [];

    public IReadOnlyList<KeyValuePair<string, double>> Items => _items;

    public double? Find(string key)
    {
        foreach (var (k, v) in _items) if (k == key) return v;
        return null;
    }

    /// <summary>Records a figure and prints it at once, so a long run shows progress.</summary>
    public void Add(string key, double value)
    {
        _items.Add(new(key, value));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{key}: {value:F3}"));
    }

    /// <summary>Writes <c>{"system", "engines", ...figures}</c>, the shape of ipp_bench.py's --json.</summary>
    public void WriteJson(string path, string system, int engines, bool quick)
    {
        var root = new JsonObject { ["system"] = system, ["engines"] = engines, ["cores"] = Environment.ProcessorCount, ["quick"] = quick };
        foreach (var (key, value) in _items) root[key] = value;
        File.WriteAllText(path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>The numeric figures of a JSON report (another system's), without its header fields.</summary>
    public static Figures ReadJson(string path)
    {
        var figures = new Figures();
        foreach (var (key, node) in JsonNode.Parse(File.ReadAllText(path))!.AsObject())
            if (key is not ("engines" or "cores") && node is JsonValue v && v.TryGetValue(out double value))
                figures._items.Add(new(key, value));
        return figures;
    }
}
