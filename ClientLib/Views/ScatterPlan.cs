namespace Orleans.Parallel.Views;

/// <summary>
/// How a sequence is cut for a set of engines, as ipyparallel does it: contiguous blocks in target
/// order, the first <c>count % parts</c> blocks one item longer.
/// </summary>
public static class ScatterPlan
{
    /// <summary>The (offset, length) of each block.</summary>
    public static (int Offset, int Length)[] Split(int count, int parts)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(parts, 1);
        var blocks = new (int, int)[parts];
        int baseLength = count / parts, extra = count % parts, offset = 0;
        for (var i = 0; i < parts; i++)
        {
            var length = baseLength + (i < extra ? 1 : 0);
            blocks[i] = (offset, length);
            offset += length;
        }
        return blocks;
    }
}
