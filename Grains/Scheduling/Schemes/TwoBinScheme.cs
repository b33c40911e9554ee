namespace Orleans.Parallel.Grains.Scheduling.Schemes;

/// <summary>Two engines at random; the less recently used of the two.</summary>
public sealed class TwoBinScheme : ISchedulingScheme
{
    /// <inheritdoc />
    public int Choose(IReadOnlyList<int> loads, Random random) =>
        Math.Min(random.Next(loads.Count), random.Next(loads.Count));
}
