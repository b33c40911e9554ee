using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Orleans.Parallel.Bulk;

namespace Orleans.Parallel.Wire;

/// <summary>
/// A <see cref="Memory{T}"/> or <see cref="ReadOnlyMemory{T}"/> of a primitive type as it travels:
/// its elements as a primitive array (packed in the message, or a <see cref="BulkRef"/>), rebuilt
/// on the other side as the same kind of memory over a new array.
/// </summary>
/// <param name="Data">The elements: a <see cref="PackedArray"/> or a <see cref="BulkRef"/>.</param>
/// <param name="ReadOnly">Whether it was a <see cref="ReadOnlyMemory{T}"/>.</param>
[GenerateSerializer, Immutable, Alias("op.MemoryValue")]
public sealed record MemoryValue([property: Id(0)] object Data, [property: Id(1)] bool ReadOnly)
{
    private static readonly ConcurrentDictionary<Type, Func<object, (Array Array, int Offset, int Length)>> Segments = new();

    /// <summary>Whether values of this type are memory of a primitive that travels in bulk.</summary>
    public static bool IsPrimitiveMemory(Type type) =>
        type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(Memory<>) || type.GetGenericTypeDefinition() == typeof(ReadOnlyMemory<>))
        && BulkProtocol.IsBulkArray(type.GetGenericArguments()[0].MakeArrayType());

    /// <summary>The array run behind a memory value (its own array when it has one; a copy otherwise).</summary>
    public static (Array Array, int Offset, int Length) Segment(object memory) =>
        Segments.GetOrAdd(memory.GetType(), type =>
        {
            var element = type.GetGenericArguments()[0];
            var method = typeof(MemoryValue).GetMethod(
                type.GetGenericTypeDefinition() == typeof(Memory<>) ? nameof(SegmentOfMemory) : nameof(SegmentOfReadOnly),
                System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!.MakeGenericMethod(element);
            return method.CreateDelegate<Func<object, (Array, int, int)>>();
        })(memory);

    private static (Array, int, int) SegmentOfMemory<T>(object memory) => SegmentOfReadOnly<T>((ReadOnlyMemory<T>)(Memory<T>)memory);

    private static (Array, int, int) SegmentOfReadOnly<T>(object memory)
    {
        var m = (ReadOnlyMemory<T>)memory;
        return MemoryMarshal.TryGetArray(m, out var segment) ? (segment.Array!, segment.Offset, segment.Count) : (m.ToArray(), 0, m.Length);
    }

    /// <summary>A memory value of the given kind over <paramref name="array"/>.</summary>
    public static object Wrap(Array array, bool readOnly)
    {
        var kind = (readOnly ? typeof(ReadOnlyMemory<>) : typeof(Memory<>)).MakeGenericType(array.GetType().GetElementType()!);
        return Activator.CreateInstance(kind, array)!;
    }
}
