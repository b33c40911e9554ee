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
    /// <summary>Packs one-dimensional primitive arrays; any other value is returned as it is.</summary>
    public static object? Pack(object? value) =>
        value is Array array && IsPackable(array.GetType()) ? PackRange(array, 0, array.Length) : value;

    /// <summary>Packs <paramref name="length"/> elements of a primitive array from <paramref name="offset"/>, in one copy.</summary>
    public static PackedArray PackRange(Array array, int offset, int length)
    {
        var size = Bulk.BulkProtocol.ElementSize(array);
        var data = GC.AllocateUninitializedArray<byte>(length * size);
        Buffer.BlockCopy(array, offset * size, data, 0, data.Length);
        return new PackedArray(array.GetType().GetElementType()!.FullName!, data);
    }

    /// <summary>Whether arrays of this type are packed (one-dimensional, primitive elements).</summary>
    public static bool IsPackable(Type arrayType) => Bulk.BulkProtocol.IsBulkArray(arrayType);

    /// <summary>Rebuilds a packed array; any other value is returned as it is.</summary>
    public static object? Unpack(object? value)
    {
        if (value is not PackedArray packed) return value;
        var element = Bulk.BulkProtocol.ElementOf(packed.ElementType);
        var size = Bulk.BulkProtocol.SizeOf(element);
        var array = Array.CreateInstance(element, packed.Data.Length / size);
        Buffer.BlockCopy(packed.Data, 0, array, 0, packed.Data.Length);
        return array;
    }
}
