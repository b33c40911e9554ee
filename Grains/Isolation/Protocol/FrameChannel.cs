using System.Buffers.Binary;
using System.Net.Sockets;
using Orleans.Serialization;

namespace Orleans.Parallel.Grains.Isolation.Protocol;

/// <summary>
/// Frames over a connected Unix domain socket: a 4-byte length, then the frame as Orleans writes it.
/// Sends may come from any thread (one at a time, each frame whole); one thread receives.
/// </summary>
internal sealed class FrameChannel(Socket socket, Serializer serializer) : IDisposable
{
    /// <summary>The largest frame either side accepts: a pushed array of up to 2 GiB and its envelope.</summary>
    private const int MaxFrame = int.MaxValue - 64;

    private readonly Lock _sending = new();
    private readonly BufferedStream _reading = new(new NetworkStream(socket, ownsSocket: false), 64 * 1024);
    private readonly byte[] _header = new byte[4];

    /// <summary>Sends one frame; throws <see cref="IOException"/> or <see cref="SocketException"/> once the other side is gone.</summary>
    public void Send(Frame frame)
    {
        var body = serializer.SerializeToArray(frame);
        var header = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(header, body.Length);
        lock (_sending)
        {
            var segments = new List<ArraySegment<byte>>(2) { header, body };
            var left = 4 + body.Length;
            while (left > 0)
            {
                var sent = socket.Send(segments);
                left -= sent;
                if (left == 0) break;
                // A partial write (a large frame): continue from where it stopped.
                var done = sent;
                while (done >= segments[0].Count)
                {
                    done -= segments[0].Count;
                    segments.RemoveAt(0);
                }
                segments[0] = segments[0].Slice(done);
            }
        }
    }

    /// <summary>The next frame, or null once the other side closed the connection.</summary>
    public Frame? Receive()
    {
        if (!ReadExactly(_header)) return null;
        var length = BinaryPrimitives.ReadInt32LittleEndian(_header);
        if (length is < 0 or > MaxFrame) throw new InvalidDataException($"A frame of {length} bytes is not one this side sent.");
        var body = GC.AllocateUninitializedArray<byte>(length);
        if (!ReadExactly(body)) return null;
        return serializer.Deserialize<Frame>(body);
    }

    private bool ReadExactly(byte[] buffer)
    {
        for (var read = 0; read < buffer.Length;)
        {
            int n;
            try { n = _reading.Read(buffer, read, buffer.Length - read); }
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
    }
}
