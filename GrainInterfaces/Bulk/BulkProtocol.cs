using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Orleans.Parallel.Bulk;

/// <summary>
/// The bulk path's frames, shared by the silo's listener and the client. A connection opens with
/// <c>magic, key</c> and the silo answers one byte; then, any number of times:
/// <list type="bullet">
/// <item><c>Put: op, token, element code, byte length, bytes</c> (client to silo, no answer);</item>
/// <item><c>Get: op, token</c>, answered by <c>found, byte length, bytes</c>.</item>
/// </list>
/// Bytes go between the socket and the array's own memory: never element by element, never
/// through an intermediate buffer.
/// </summary>
public static class BulkProtocol
{
    /// <summary>The first bytes of every connection ("OPB1").</summary>
    public const uint Magic = 0x3142504F;

    /// <summary>The length of a silo's connection key.</summary>
    public const int KeyLength = 32;

    /// <summary>Arrays at least this large (in bytes) take the bulk path; smaller ones ride in the message.</summary>
    public const int Threshold = 256 * 1024;

    /// <summary>Client sends an array to the silo.</summary>
    public const byte Put = 1;

    /// <summary>Client fetches a result array from the silo.</summary>
    public const byte Get = 2;

    /// <summary>Socket buffers large enough that loopback transfers are not cut into small writes.</summary>
    public const int SocketBuffer = 4 * 1024 * 1024;

    private static readonly Type[] Elements =
    [
        typeof(bool), typeof(byte), typeof(sbyte), typeof(char), typeof(short), typeof(ushort),
        typeof(int), typeof(uint), typeof(long), typeof(ulong), typeof(float), typeof(double),
    ];

    private static readonly Dictionary<string, Type> ByName = Elements.ToDictionary(t => t.FullName!);

    /// <summary>Whether arrays of this type can travel on the bulk path (one-dimensional, primitive elements).</summary>
    public static bool IsBulkArray(Type arrayType) =>
        arrayType.IsSZArray && arrayType.GetElementType() is { } element && Array.IndexOf(Elements, element) >= 0;

    /// <summary>The one-byte code of an element type in a put frame.</summary>
    public static byte CodeOf(Type element) =>
        Array.IndexOf(Elements, element) is var i and >= 0 ? (byte)i : throw new ArgumentException($"{element} cannot travel in bulk.");

    /// <summary>The element type of a code or full name.</summary>
    public static Type ElementOf(byte code) =>
        code < Elements.Length ? Elements[code] : throw new InvalidDataException($"Unknown bulk element code {code}.");

    /// <inheritdoc cref="ElementOf(byte)"/>
    public static Type ElementOf(string fullName) =>
        ByName.TryGetValue(fullName, out var type) ? type : throw new InvalidDataException($"{fullName} is not a bulk element type.");

    /// <summary>
    /// A new array for <paramref name="byteLength"/> bytes of <paramref name="element"/>, not zeroed (the
    /// socket fills it). <paramref name="populate"/>: map all its pages now (a receiver that maps them
    /// as bytes arrive passes false).
    /// </summary>
    /// <exception cref="InvalidDataException">The length is negative, not whole elements, or more elements than a .NET array holds.</exception>
    public static Array Allocate(Type element, long byteLength, bool populate = true)
    {
        var length = ElementCount(element, byteLength);
        Reclaim.BeforeReceiving(byteLength);
        // Not zeroed: the socket fills every byte.
        var array = NewArray(element, length);
        if (populate && byteLength >= PrefaultFrom) Prefault.Populate(array);
        return array;
    }

    /// <summary>The number of <paramref name="element"/>s in <paramref name="byteLength"/> bytes, checked against what a .NET array can hold.</summary>
    /// <exception cref="InvalidDataException">The length is negative, not whole elements, or more elements than a .NET array holds.</exception>
    public static int ElementCount(Type element, long byteLength)
    {
        var size = SizeOf(element);
        if (byteLength < 0) throw new InvalidDataException($"A bulk length cannot be negative ({byteLength}).");
        if (byteLength % size != 0) throw new InvalidDataException($"{byteLength} bytes are not a whole number of {element.Name} elements.");
        if (byteLength / size > Array.MaxLength)
            throw new InvalidDataException($"{byteLength} bytes are {byteLength / size} {element.Name} elements; a .NET array holds at most {Array.MaxLength}.");
        return (int)(byteLength / size);
    }

    /// <summary>The bytes of a put frame after its op byte: token, element code, byte length.</summary>
    public const int PutHeaderLength = 16 + 1 + 8;

    /// <summary>Arrays from this size on have their pages mapped in one call before they are filled.</summary>
    private const long PrefaultFrom = 4 * 1024 * 1024;

    private static Array NewArray(Type element, int length)
    {
        return Type.GetTypeCode(element) switch
        {
            TypeCode.Boolean => GC.AllocateUninitializedArray<bool>(length),
            TypeCode.Byte => GC.AllocateUninitializedArray<byte>(length),
            TypeCode.SByte => GC.AllocateUninitializedArray<sbyte>(length),
            TypeCode.Char => GC.AllocateUninitializedArray<char>(length),
            TypeCode.Int16 => GC.AllocateUninitializedArray<short>(length),
            TypeCode.UInt16 => GC.AllocateUninitializedArray<ushort>(length),
            TypeCode.Int32 => GC.AllocateUninitializedArray<int>(length),
            TypeCode.UInt32 => GC.AllocateUninitializedArray<uint>(length),
            TypeCode.Int64 => GC.AllocateUninitializedArray<long>(length),
            TypeCode.UInt64 => GC.AllocateUninitializedArray<ulong>(length),
            TypeCode.Single => GC.AllocateUninitializedArray<float>(length),
            TypeCode.Double => GC.AllocateUninitializedArray<double>(length),
            _ => throw new ArgumentException($"{element} cannot travel in bulk."),
        };
    }

    /// <summary>The size of one element of a bulk array, in bytes.</summary>
    public static int ElementSize(Array array) => SizeOf(array.GetType().GetElementType()!);

    /// <summary>The size of one <paramref name="element"/> (a bulk element type), in bytes.</summary>
    public static int SizeOf(Type element) =>
        Marshal.SizeOf(element == typeof(bool) ? typeof(byte) : element == typeof(char) ? typeof(ushort) : element);

    /// <summary>
    /// A primitive array's length in bytes, past 2 GiB too (<see cref="Buffer.ByteLength"/> returns an
    /// int and throws for a <c>double[]</c> of more than 268 million elements).
    /// </summary>
    public static long ByteLength(Array array) => (long)array.Length * ElementSize(array);

    /// <summary>Writes <paramref name="byteLength"/> bytes of <paramref name="array"/> from <paramref name="byteOffset"/> to the stream, from the array's memory.</summary>
    public static void SendArray(Stream stream, Array array, long byteOffset, long byteLength)
    {
        ref var start = ref MemoryMarshal.GetArrayDataReference(array);
        while (byteLength > 0)
        {
            var count = (int)Math.Min(byteLength, 1 << 30);
            // The span points into a managed array; the stream (a socket, or TLS over one) pins it for the duration of the call.
            stream.Write(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref start, (nint)byteOffset), count));
            byteOffset += count;
            byteLength -= count;
        }
    }

    /// <summary>Fills <paramref name="byteLength"/> bytes of <paramref name="array"/> from the stream, into the array's memory.</summary>
    public static void ReceiveArray(Stream stream, Array array, long byteLength)
    {
        ref var start = ref MemoryMarshal.GetArrayDataReference(array);
        long offset = 0;
        while (offset < byteLength)
        {
            var count = (int)Math.Min(byteLength - offset, 1 << 30);
            ReceiveExactly(stream, MemoryMarshal.CreateSpan(ref Unsafe.Add(ref start, (nint)offset), count));
            offset += count;
        }
    }

    /// <summary>Reads exactly <paramref name="buffer"/>.Length bytes.</summary>
    /// <exception cref="EndOfStreamException">The peer closed the connection first.</exception>
    public static void ReceiveExactly(Stream stream, Span<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            var read = stream.Read(buffer);
            if (read == 0) throw new EndOfStreamException("The bulk connection closed in the middle of a transfer.");
            buffer = buffer[read..];
        }
    }

    /// <summary>Sets the socket options both ends use.</summary>
    public static void Configure(Socket socket)
    {
        socket.NoDelay = true;
        socket.SendBufferSize = SocketBuffer;
        socket.ReceiveBufferSize = SocketBuffer;
    }
}
