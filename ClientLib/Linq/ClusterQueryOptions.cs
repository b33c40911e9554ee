namespace Orleans.Parallel.Linq;

/// <summary>How a <see cref="ClusterQuery{T}"/> runs: the same for every operator of the query, read when enumeration starts.</summary>
internal sealed record ClusterQueryOptions(bool Ordered = true, int ChunkSize = 1, int? MaxOutstanding = null)
{
    public static ClusterQueryOptions Default { get; } = new();
}
