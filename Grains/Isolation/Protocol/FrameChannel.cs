using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Net.Sockets;
using Orleans.Parallel.Bulk;
using Orleans.Parallel.Grains.Bulk;
using Orleans.Serialization;

namespace Orleans.Parallel.Grains.Isolation.Protocol;

/// <summary>
/// Frames over a connected Unix domain socket: a 4-byte length and a 4-byte count of arrays, the frame
/// as Orleans writes it, each of its large arrays' (<see cref="FrameArrays"/>) element code and 8-byte
/// length, then their bytes, one array after the other. Sends may come from any thread (one at a time,
/// each frame whole); one thread receives.
/// </summary>
internal sealed class FrameChannel(Socket socket, Serializer serializer) : IDisposable
{
    /// <summary>The largest frame either side accepts: a pushed array of up to 2 GiB and its envelope.</summary>
    private const int MaxFrame = int.MaxValue - 64;

    /// <summary>Frames up to this size are written and read through buffers kept for the connection, not new arrays each.</summary>
    private const int KeptBuffer = 64 * 1024;

    private readonly Lock _sending = new();
    private ArrayBufferWriter<byte> _written = new(4096); // the frame being sent (under _sending), kept between frames
    private byte[] _read = new byte[4096]; // the frame being read (one reader), kept between frames
    private readonly BufferedStream _reading = new(new NetworkStream(socket, ownsSocket: false), 64 * 1024);
    private readonly NetworkStream _writing = new(socket, ownsSocket: false);
    private readonly byte[] _header = new byte[8];

    /// <summary>The bytes before an array's: its element code and length.</summary>
    private const int ArrayHeader = 9;

    /// <summary>
    /// The least size from which a done frame's arrays may be handed over before their bytes are read
    /// (<see cref="Receive(long, out ArrivingArrays?)"/>): the client's download of them then overlaps
    /// their copy out of the process. Smaller ones come whole, as before; a hand-off costs more than their copy.
    /// </summary>
    public const long LeastArriving = 1024 * 1024;

    /// <summary>Sends one frame; throws <see cref="IOException"/> or <see cref="SocketException"/> once the other side is gone.</summary>
    public void Send(Frame frame)
    {
        frame = FrameArrays.Strip(frame, out var arrays);
        lock (_sending)
        {
            // Header and frame in one buffer, one write: no allocation per frame on the task path.
            _written.ResetWrittenCount();
            _written.Advance(8);
            serializer.Serialize(frame, _written);
            var header = MemoryMarshal.AsMemory(_written.WrittenMemory).Span;
            BinaryPrimitives.WriteInt32LittleEndian(header, _written.WrittenCount - 8);
            BinaryPrimitives.WriteInt32LittleEndian(header[4..], arrays?.Count ?? 0);
            for (var sent = 0; sent < _written.WrittenCount;) sent += socket.Send(_written.WrittenSpan[sent..]); // a large frame may go in parts
            if (_written.Capacity > KeptBuffer) _written = new ArrayBufferWriter<byte>(4096); // a large frame's buffer is not kept
            if (arrays is null) return;
            // Every array's size first, so the receiver knows them all before the first byte (LeastArriving).
            var headers = new byte[arrays.Count * ArrayHeader];
            for (var i = 0; i < arrays.Count; i++)
            {
                headers[i * ArrayHeader] = BulkProtocol.CodeOf(arrays[i].GetType().GetElementType()!);
                BinaryPrimitives.WriteInt64LittleEndian(headers.AsSpan(i * ArrayHeader + 1), BulkProtocol.ByteLength(arrays[i]));
            }
            _writing.Write(headers);
            foreach (var array in arrays) BulkProtocol.SendArray(_writing, array, 0, BulkProtocol.ByteLength(array)); // from the array's own memory
        }
    }

    /// <summary>The next frame whole, or null once the other side closed the connection.</summary>
    public Frame? Receive() => Receive(long.MaxValue, out _);

    /// <summary>
    /// The next frame, or null once the other side closed the connection. The arrays at the end of a
    /// done frame that are each of <paramref name="arrivesFrom"/> bytes or more (and at least
    /// <see cref="LeastArriving"/>) are in it before their bytes: <paramref name="arriving"/> then reads
    /// them, and must be filled before the next frame is received.
    /// </summary>
    public Frame? Receive(long arrivesFrom, out ArrivingArrays? arriving)
    {
        arrivesFrom = Math.Max(arrivesFrom, LeastArriving);
        arriving = null;
        if (!ReadExactly(_header)) return null;
        var length = BinaryPrimitives.ReadInt32LittleEndian(_header);
        var count = BinaryPrimitives.ReadInt32LittleEndian(_header.AsSpan(4));
        if (length is < 0 or > MaxFrame) throw new InvalidDataException($"A frame of {length} bytes is not one this side sent.");
        if (count is < 0 or > 1 << 20) throw new InvalidDataException($"A frame with {count} arrays is not one this side sent.");
        // The frame's values are copied out as it is read: the buffer can take the next frame.
        var body = length <= KeptBuffer ? (_read.Length >= length ? _read : _read = new byte[Math.Max(length, 2 * _read.Length)]) : GC.AllocateUninitializedArray<byte>(length);
        if (!ReadExactly(body.AsSpan(0, length))) return null;
        var frame = serializer.Deserialize<Frame>(body.AsSpan(0, length)) ?? throw new InvalidDataException("An empty frame is not one this side sent.");
        if (count == 0) return frame;
        var headers = new byte[count * ArrayHeader];
        if (!ReadExactly(headers)) return null;
        var arrays = new Array[count];
        var lengths = new long[count];
        for (var i = 0; i < count; i++)
        {
            lengths[i] = BinaryPrimitives.ReadInt64LittleEndian(headers.AsSpan(i * ArrayHeader + 1));
            arrays[i] = BulkProtocol.Allocate(BulkProtocol.ElementOf(headers[i * ArrayHeader]), lengths[i], populate: false);
        }
        // The arrays from the first of a run of large ones to the end may arrive after the frame is handed over.
        var first = count;
        if (frame is DoneFrame)
            while (first > 0 && lengths[first - 1] >= arrivesFrom) first--;
        for (var i = 0; i < first; i++)
        {
            try { ReceiveInto(arrays[i], lengths[i], null); } // into the array's own memory
            catch (Exception e) when (e is IOException or EndOfStreamException) { return null; }
        }
        if (first < count) arriving = new ArrivingArrays(this, arrays[first..], lengths[first..]);
        return FrameArrays.Restore(frame, arrays);
    }

    /// <summary>Reads <paramref name="length"/> bytes into <paramref name="array"/>, mapping each part's pages before it is read, and says how far it got.</summary>
    private void ReceiveInto(Array array, long length, ArrayArrival? arrival)
    {
        const int Part = 1024 * 1024;
        if (length < LeastArriving && arrival is null)
        {
            BulkProtocol.ReceiveArray(_reading, array, length);
            return;
        }
        using var bytes = new PinnedArrayBytes(array);
        for (long offset = 0; offset < length;)
        {
            var part = (int)Math.Min(Part, length - offset);
            bytes.Populate(offset, part);
            BulkProtocol.ReceiveExactly(_reading, bytes.Window(offset).Span[..part]);
            offset += part;
            arrival?.Arrived(offset);
        }
    }

    /// <summary>
    /// The arrays of a frame already handed over whose bytes are still to be read. Each is known as
    /// arriving (<see cref="ArrayArrival"/>) from the moment the frame is read, so whatever offers it
    /// sends each part once it is in.
    /// </summary>
    internal sealed class ArrivingArrays
    {
        private readonly FrameChannel _channel;
        private readonly Array[] _arrays;
        private readonly long[] _lengths;
        private readonly ArrayArrival[] _arrivals;

        public ArrivingArrays(FrameChannel channel, Array[] arrays, long[] lengths)
        {
            _channel = channel;
            _arrays = arrays;
            _lengths = lengths;
            _arrivals = new ArrayArrival[arrays.Length];
            for (var i = 0; i < arrays.Length; i++) _arrivals[i] = ArrayArrival.Begin(arrays[i], lengths[i]);
        }

        /// <summary>Reads the arrays' bytes; false (and each array not yet whole failed) if the connection closed first.</summary>
        public bool Fill()
        {
            var i = 0;
            try
            {
                for (; i < _arrays.Length; i++) _channel.ReceiveInto(_arrays[i], _lengths[i], _arrivals[i]);
                return true;
            }
            catch (Exception e) when (e is IOException or EndOfStreamException or ObjectDisposedException)
            {
                for (; i < _arrays.Length; i++) _arrivals[i].Fail(e);
                return false;
            }
        }
    }

    private bool ReadExactly(Span<byte> buffer)
    {
        for (var read = 0; read < buffer.Length;)
        {
            int n;
            try { n = _reading.Read(buffer[read..]); }
            catch (IOException) { return false; }
            if (n == 0) return false;
            read += n;
        }
        return true;
    }

    public void Dispose()
    {
        try { socket.Shutdown(SocketShutdown.Both); }
        catch (SocketException) { /* already gone */ }
        catch (ObjectDisposedException) { }
        socket.Dispose();
        _reading.Dispose();
        _writing.Dispose();
    }
}
