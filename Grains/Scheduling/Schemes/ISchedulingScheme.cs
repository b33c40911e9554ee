namespace Orleans.Parallel.Grains.Scheduling.Schemes;

/// <summary>
/// Picks the engine for a task, as ipyparallel's scheduler functions do: a pure choice from the
/// candidates' loads (outstanding tasks), given least recently used first.
/// </summary>
public interface ISchedulingScheme
{
    /// <summary>The index into <paramref name="loads"/> of the engine to use; <paramref name="loads"/> is never empty.</summary>
    int Choose(IReadOnlyList<int> loads, Random random);
}
