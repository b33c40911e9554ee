namespace Orleans.Parallel.Grains.Scheduling.Schemes;

/// <summary>
/// Two engines drawn at random with weight 1/load (an idle engine weighs a million times more than
/// one with a task); the lighter of the two.
/// </summary>
public sealed class WeightedScheme : ISchedulingScheme
{
    /// <inheritdoc />
    public int Choose(IReadOnlyList<int> loads, Random random)
    {
        Span<double> sums = loads.Count <= 64 ? stackalloc double[loads.Count] : new double[loads.Count];
        var total = 0.0;
        for (var i = 0; i < loads.Count; i++)
        {
            total += Weight(loads[i]);
            sums[i] = total;
        }
        var x = Draw(sums, random.NextDouble() * total);
        var y = Draw(sums, random.NextDouble() * total);
        return Weight(loads[y]) > Weight(loads[x]) ? y : x;
    }

    private static double Weight(int load) => 1.0 / (1e-6 + load);

    private static int Draw(ReadOnlySpan<double> sums, double at)
    {
        var i = 0;
        while (i < sums.Length - 1 && sums[i] < at) i++;
        return i;
    }
}
