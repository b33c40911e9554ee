namespace Orleans.Parallel.Grains.Execution;

/// <summary>
/// Carries which item of a map chunk raised <see cref="Exception.InnerException"/>, so the error the
/// client sees names the input index (<see cref="RemoteErrors"/> unwraps it into <c>RemoteError.Item</c>).
/// </summary>
internal sealed class MapItemException(int index, Exception inner) : Exception(inner.Message, inner)
{
    /// <summary>The item's index within its chunk.</summary>
    public int Index { get; } = index;

    /// <summary>Wraps what an item's call raised, except the task's own abort, which ends the chunk as aborted.</summary>
    public static Exception For(int index, Exception raised, CancellationToken task) =>
        raised is OperationCanceledException && task.IsCancellationRequested ? raised : new MapItemException(index, raised);
}
