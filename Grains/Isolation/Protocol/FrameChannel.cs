using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Net.Sockets;
using Orleans.Parallel.Bulk;
using Orleans.Serialization;

namespace Orleans.Parallel.Grains.Isolation.Protocol;

/// <summary>
/// Frames over a connected Unix domain socket: a 4-byte length and a 4-byte count of arrays, the frame
/// as Orleans writes it, then each of its large arrays (<see cref="FrameArrays"/>) as an element code,
/// an 8-byte length and the array's bytes. Sends may come from any thread (one at a time, each frame
/// whole); one thread receives.
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
    private readonly byte[] _arrayHeader = new byte[9];

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
            foreach (var array in arrays ?? [])
            {
                var length = BulkProtocol.ByteLength(array);
                var arrayHeader = new byte[9];
                arrayHeader[0] = BulkProtocol.CodeOf(array.GetType().GetElementType()!);
                BinaryPrimitives.WriteInt64LittleEndian(arrayHeader.AsSpan(1), length);
                _writing.Write(arrayHeader);
                BulkProtocol.SendArray(_writing, array, 0, length); // from the array's own memory
            }
        }
    }

    /// <summary>The next frame, or null once the other side closed the connection.</summary>
    public Frame? Receive()
    {
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
        var arrays = new Array[count];
        for (var i = 0; i < count; i++)
        {
            if (!ReadExactly(_arrayHeader)) return null;
            var bytes = BinaryPrimitives.ReadInt64LittleEndian(_arrayHeader.AsSpan(1));
            arrays[i] = BulkProtocol.Allocate(BulkProtocol.ElementOf(_arrayHeader[0]), bytes);
            try { BulkProtocol.ReceiveArray(_reading, arrays[i], bytes); } // into the array's own memory
            catch (Exception e) when (e is IOException or EndOfStreamException) { return null; }
        }
        return FrameArrays.Restore(frame, arrays);
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
