namespace Orleans.Parallel.Grains.Scheduling.Schemes;

/// <summary>Any engine, uniformly at random.</summary>
public sealed class PlainRandomScheme : ISchedulingScheme
{
    /// <inheritdoc />
    public int Choose(IReadOnlyList<int> loads, Random random) => random.Next(loads.Count);
}
