namespace Orleans.Parallel.Grains.Scheduling.Schemes;

/// <summary>The least recently used engine, whatever its load.</summary>
public sealed class LruScheme : ISchedulingScheme
{
    /// <inheritdoc />
    public int Choose(IReadOnlyList<int> loads, Random random) => 0;
}
