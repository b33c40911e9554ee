using System.Buffers;
using System.Runtime.InteropServices;

namespace Orleans.Parallel.Bulk;

/// <summary>
/// A pinned array's bytes, handed out as <see cref="Memory{T}"/> windows of at most
/// <see cref="MaxWindow"/> bytes, so asynchronous streams read into and write from the array's own
/// memory (any element type, any size, past 2 GiB too). Dispose unpins the array.
/// </summary>
public sealed unsafe class PinnedArrayBytes : IDisposable
{
    /// <summary>The largest window handed out.</summary>
    public const int MaxWindow = 64 * 1024 * 1024;

    private GCHandle _handle;

    /// <summary>Pins <paramref name="array"/> until disposed.</summary>
    public PinnedArrayBytes(Array array)
    {
        _handle = GCHandle.Alloc(array, GCHandleType.Pinned);
        Start = (byte*)Marshal.UnsafeAddrOfPinnedArrayElement(array, 0);
        Length = BulkProtocol.ByteLength(array);
    }

    /// <summary>The array's first byte.</summary>
    public byte* Start { get; }

    /// <summary>The array's length in bytes.</summary>
    public long Length { get; }

    /// <summary>The bytes from <paramref name="offset"/>, at most <see cref="MaxWindow"/> of them.</summary>
    public Memory<byte> Window(long offset) => new Manager(Start + offset, (int)Math.Min(Length - offset, MaxWindow)).Memory;

    /// <summary>Maps the pages of <paramref name="length"/> bytes from <paramref name="offset"/> before they are filled (see <see cref="Prefault"/>).</summary>
    public void Populate(long offset, long length) => Prefault.Populate(Start + offset, length);

    /// <summary>Unpins the array.</summary>
    public void Dispose()
    {
        if (_handle.IsAllocated) _handle.Free();
    }

    /// <summary>Memory over pinned bytes: pinning it again is free, the array's handle keeps it in place.</summary>
    private sealed class Manager(byte* start, int length) : MemoryManager<byte>
    {
        public override Span<byte> GetSpan() => new(start, length);

        public override MemoryHandle Pin(int elementIndex = 0) => new(start + elementIndex);

        public override void Unpin() { }

        protected override void Dispose(bool disposing) { }
    }
}
