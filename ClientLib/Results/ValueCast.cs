using System.Collections;
using Orleans.Parallel.Engine;

namespace Orleans.Parallel.Results;

/// <summary>Typed views of the values in replies, with errors that say which engine sent what.</summary>
internal static class ValueCast
{
    public static T To<T>(object? value, TaskReply reply)
    {
        if (value is T typed) return typed;
        if (value is null && default(T) is null) return default!;
        throw new InvalidCastException(
            $"Engine {reply.EngineId} returned {value?.GetType().FullName ?? "null"}, which is not {typeof(T).FullName}.");
    }

    public static IEnumerable<T> Items<T>(TaskReply reply) => reply.Result switch
    {
        // For T = object every value "is T"; a block (array or list) is still a block of items.
        System.Collections.IList block when typeof(T) == typeof(object) => block.Cast<object?>().Select(i => To<T>(i, reply)),
        IEnumerable<T> items when reply.Result is not T => items,
        IEnumerable items when reply.Result is not T and not string => items.Cast<object?>().Select(i => To<T>(i, reply)),
        var single => [To<T>(single, reply)],
    };

    /// <summary>The elements of an array result (a map chunk), each as <typeparamref name="T"/>.</summary>
    public static IEnumerable<T> Elements<T>(TaskReply reply) => reply.Result switch
    {
        T[] typed => typed,
        IEnumerable items => items.Cast<object?>().Select(i => To<T>(i, reply)),
        var other => throw new InvalidCastException($"Engine {reply.EngineId} returned {other?.GetType().FullName ?? "null"} for a map chunk, not an array."),
    };
}
