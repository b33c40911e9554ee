using System.Runtime.InteropServices;

namespace Orleans.Parallel.Wire;

/// <summary>
/// A one-dimensional array of a primitive type as one block of bytes. Orleans writes arrays element
/// by element (tens of MB/s for a large <c>double[]</c>); a <c>byte[]</c> travels as a single copy.
/// </summary>
/// <param name="ElementType">The element type's full name (a primitive such as System.Double).</param>
/// <param name="Data">The elements' bytes in machine order.</param>
[GenerateSerializer, Immutable, Alias("op.PackedArray")]
public sealed record PackedArray([property: Id(0)] string ElementType, [property: Id(1)] byte[] Data)
{
    private static readonly Dictionary<Type, Func<Array, byte[]>> Packers = new();
    private static readonly Dictionary<string, Func<byte[], Array>> Unpackers = new();

    static PackedArray()
    {
        Register<bool>(); Register<byte>(); Register<sbyte>(); Register<char>();
        Register<short>(); Register<ushort>(); Register<int>(); Register<uint>();
        Register<long>(); Register<ulong>(); Register<float>(); Register<double>();
    }

    private static void Register<T>() where T : unmanaged
    {
        Packers[typeof(T[])] = a => MemoryMarshal.AsBytes(((T[])a).AsSpan()).ToArray();
        Unpackers[typeof(T).FullName!] = b => MemoryMarshal.Cast<byte, T>(b).ToArray();
    }

    /// <summary>Packs one-dimensional primitive arrays; any other value is returned as it is.</summary>
    public static object? Pack(object? value) =>
        value is Array array && Packers.TryGetValue(array.GetType(), out var pack)
            ? new PackedArray(array.GetType().GetElementType()!.FullName!, pack(array))
            : value;

    /// <summary>Rebuilds a packed array; any other value is returned as it is.</summary>
    public static object? Unpack(object? value) =>
        value is PackedArray packed ? Unpackers[packed.ElementType](packed.Data) : value;

    /// <summary>Packs each element of an argument or value list.</summary>
    public static object?[] PackAll(IReadOnlyList<object?> values)
    {
        var packed = new object?[values.Count];
        for (var i = 0; i < packed.Length; i++) packed[i] = Pack(values[i]);
        return packed;
    }

    /// <summary>Unpacks each element of an argument or value list.</summary>
    public static object?[] UnpackAll(IReadOnlyList<object?> values)
    {
        var unpacked = new object?[values.Count];
        for (var i = 0; i < unpacked.Length; i++) unpacked[i] = Unpack(values[i]);
        return unpacked;
    }
}
