using Orleans.Parallel.Errors;

namespace Orleans.Parallel.Views;

/// <summary>
/// Which engines a view addresses: a fixed list of ids, or a range of positions in the client's
/// <see cref="ParallelClient.Ids"/> resolved at each call (so <c>rc[..]</c> follows engines that join).
/// </summary>
public sealed class ViewTargets
{
    private readonly int[]? _ids;
    private readonly Range _positions;

    internal ViewTargets(int[] ids) => _ids = ids;

    internal ViewTargets(Range positions) => _positions = positions;

    /// <summary>The engine ids this view addresses now, in order.</summary>
    /// <exception cref="NoEnginesException">A range resolved to no engines.</exception>
    public IReadOnlyList<int> Resolve(ParallelClient client)
    {
        if (_ids is not null) return _ids;
        var ids = client.Ids;
        var (offset, length) = _positions.GetOffsetAndLength(ids.Count);
        if (length == 0)
            throw new NoEnginesException(
                $"The view's range {_positions} selects no engines (the cluster has {ids.Count}); wait for engines with WaitForEnginesAsync.");
        return ids.Skip(offset).Take(length).ToArray();
    }

    /// <inheritdoc />
    public override string ToString() => _ids is null ? $"positions {_positions}" : $"[{string.Join(", ", _ids)}]";
}
