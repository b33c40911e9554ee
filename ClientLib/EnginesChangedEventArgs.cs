namespace Orleans.Parallel;

/// <summary>Which engines registered and which left, as <see cref="ParallelClient.EnginesChanged"/> reports it.</summary>
public sealed class EnginesChangedEventArgs(IReadOnlyList<int> added, IReadOnlyList<int> removed, IReadOnlyList<int> ids) : EventArgs
{
    /// <summary>Ids of the engines that came.</summary>
    public IReadOnlyList<int> Added { get; } = added;

    /// <summary>Ids of the engines that went.</summary>
    public IReadOnlyList<int> Removed { get; } = removed;

    /// <summary>Every live engine's id, after the change.</summary>
    public IReadOnlyList<int> Ids { get; } = ids;
}
