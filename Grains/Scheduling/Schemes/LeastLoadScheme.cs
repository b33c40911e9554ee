namespace Orleans.Parallel.Grains.Scheduling.Schemes;

/// <summary>The engine with the fewest outstanding tasks; ties go to the least recently used.</summary>
public sealed class LeastLoadScheme : ISchedulingScheme
{
    /// <inheritdoc />
    public int Choose(IReadOnlyList<int> loads, Random random)
    {
        var best = 0;
        for (var i = 1; i < loads.Count; i++)
            if (loads[i] < loads[best]) best = i;
        return best;
    }
}
