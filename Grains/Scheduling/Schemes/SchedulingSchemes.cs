namespace Orleans.Parallel.Grains.Scheduling.Schemes;

/// <summary>The schemes by name, as the silo's options give them.</summary>
public static class SchedulingSchemes
{
    /// <summary>The default: fewest outstanding tasks, ties by least recently used.</summary>
    public const string Default = "leastload";

    private static readonly Dictionary<string, ISchedulingScheme> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["leastload"] = new LeastLoadScheme(),
        ["lru"] = new LruScheme(),
        ["plainrandom"] = new PlainRandomScheme(),
        ["twobin"] = new TwoBinScheme(),
        ["weighted"] = new WeightedScheme(),
    };

    /// <summary>The scheme names, for help texts and errors.</summary>
    public static IReadOnlyCollection<string> Names => ByName.Keys;

    /// <summary>The scheme called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No scheme has that name.</exception>
    public static ISchedulingScheme Get(string name) =>
        ByName.TryGetValue(name, out var scheme) ? scheme
            : throw new ArgumentException($"Unknown scheduling scheme '{name}'; use one of {string.Join(", ", Names)}.", nameof(name));
}
