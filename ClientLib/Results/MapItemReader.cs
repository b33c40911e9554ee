using Orleans.Parallel.Engine;

namespace Orleans.Parallel.Results;

/// <summary>Reads a map chunk's reply as <see cref="MapItem{T}"/>s: values and errors in place, each at its input index.</summary>
internal static class MapItemReader
{
    /// <summary>Whether a chunk that ended well reports failed items.</summary>
    public static bool HasErrors(PendingMessage message) =>
        message.Done?.Result is object?[] { Length: 2 } parts && parts[1] is IReadOnlyList<MapItemError> { Count: > 0 };

    /// <summary>The errors of a chunk that ended well but reports failed items, each naming its input index.</summary>
    public static IEnumerable<Errors.RemoteException> Errors(PendingMessage message)
    {
        if (message.MapSlice is not { } slice || message.Done is not { Result: object?[] { Length: 2 } parts } reply
            || parts[1] is not IReadOnlyList<MapItemError> errors) yield break;
        foreach (var error in errors) yield return ReplyErrors.Item(reply.EngineId, reply.MsgId, error.Error, slice.Offset + error.Index);
    }

    public static IEnumerable<MapItem<T>> Of<T>(PendingMessage message)
    {
        var (offset, length) = message.MapSlice ?? throw new InvalidOperationException("Only a map chunk has items.");
        if (ReplyErrors.Of(message) is { } whole)
        {
            // The chunk failed as a whole (its engine died, it was aborted, its function could not run): every item carries that.
            for (var i = 0; i < length; i++) yield return new MapItem<T>(offset + i, whole);
            yield break;
        }
        var reply = message.Done!;
        var parts = reply.Result as object?[] ?? throw new InvalidCastException($"Engine {reply.EngineId} returned {reply.Result?.GetType().FullName ?? "null"} for a map chunk with errors in place.");
        var values = parts[0] as System.Collections.IList ?? throw new InvalidCastException($"Engine {reply.EngineId} returned no array of values for a map chunk.");
        var failed = ((IReadOnlyList<MapItemError>?)parts[1] ?? []).ToDictionary(e => e.Index);
        for (var i = 0; i < values.Count; i++)
            yield return failed.TryGetValue(i, out var error)
                ? new MapItem<T>(offset + i, ReplyErrors.Item(reply.EngineId, reply.MsgId, error.Error, offset + i))
                : new MapItem<T>(offset + i, ValueCast.To<T>(values[i], reply));
    }
}
