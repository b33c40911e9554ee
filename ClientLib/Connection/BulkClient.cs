using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Orleans.Parallel.Bulk;

namespace Orleans.Parallel.Connection;

/// <summary>
/// The client's side of the bulk path: sends large arrays to a silo's bulk listener and fetches
/// result arrays from it, between the socket and the array's own memory. Connections are kept per
/// silo and used by one transfer at a time. Transfers run on their own threads (blocking socket
/// calls on a span over the array are the fastest loopback path, and must not hold pool threads).
/// </summary>
internal sealed class BulkClient : IDisposable
{
    /// <summary>
    /// Transfers at once to one silo, at most: more wait for a connection. A push of one large array
    /// to a thousand engines would otherwise open a thousand connections and threads, past the silo's
    /// per-address cap (<c>BulkOptions.MaxConnectionsPerPeer</c>); a few streams already fill the link.
    /// </summary>
    public const int ConnectionsPerSilo = 8;

    private readonly ConcurrentDictionary<BulkEndpoint, ConcurrentBag<Socket>> _idle = new();
    private readonly ConcurrentDictionary<BulkEndpoint, SemaphoreSlim> _gates = new();
    private volatile bool _disposed;

    /// <summary>Sends <paramref name="byteLength"/> bytes of <paramref name="array"/> under <paramref name="token"/>; completes when the bytes are no longer read.</summary>
    public Task SendAsync(BulkEndpoint endpoint, Guid token, Array array, long byteOffset, long byteLength) => Run(endpoint, socket =>
    {
        Span<byte> header = stackalloc byte[1 + 16 + 1 + 8];
        header[0] = BulkProtocol.Put;
        token.TryWriteBytes(header.Slice(1, 16));
        header[17] = BulkProtocol.CodeOf(array.GetType().GetElementType()!);
        BinaryPrimitives.WriteInt64LittleEndian(header[18..], byteLength);
        socket.Send(header);
        BulkProtocol.SendArray(socket, array, byteOffset, byteLength);
        return true;
    });

    /// <summary>Fetches the result array <paramref name="bulk"/> names from the silo that holds it.</summary>
    public Task<Array> FetchAsync(BulkRef bulk)
    {
        var source = bulk.Source ?? throw new InvalidDataException($"Bulk result {bulk.Token} names no silo to fetch it from.");
        var element = BulkProtocol.ElementOf(bulk.ElementType);
        return Run(source, socket =>
        {
            Span<byte> frame = stackalloc byte[1 + 16];
            frame[0] = BulkProtocol.Get;
            bulk.Token.TryWriteBytes(frame[1..]);
            socket.Send(frame);
            Span<byte> answer = stackalloc byte[1 + 8];
            BulkProtocol.ReceiveExactly(socket, answer);
            if (answer[0] == 0)
                throw new InvalidOperationException(
                    $"The silo at {source} no longer holds result {bulk.Token}: a result offered in bulk is kept for 60 s, or until its client's session ends.");
            var length = BinaryPrimitives.ReadInt64LittleEndian(answer[1..]);
            if (length != bulk.ByteLength) throw new InvalidDataException($"Bulk result {bulk.Token} has {length} bytes, not the {bulk.ByteLength} announced.");
            var array = BulkProtocol.Allocate(element, length);
            BulkProtocol.ReceiveArray(socket, array, length);
            return array;
        });
    }

    private async Task<T> Run<T>(BulkEndpoint endpoint, Func<Socket, T> transfer)
    {
        var gate = _gates.GetOrAdd(endpoint, _ => new SemaphoreSlim(ConnectionsPerSilo));
        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            return await Task.Factory.StartNew(() => Transfer(endpoint, transfer), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)
                .ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    private T Transfer<T>(BulkEndpoint endpoint, Func<Socket, T> transfer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var socket = Rent(endpoint);
        try
        {
            var result = transfer(socket);
            Return(endpoint, socket);
            return result;
        }
        catch
        {
            socket.Dispose(); // its stream position is unknown now
            throw;
        }
    }

    private Socket Rent(BulkEndpoint endpoint)
    {
        if (_idle.TryGetValue(endpoint, out var idle) && idle.TryTake(out var pooled)) return pooled;
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            BulkProtocol.Configure(socket);
            socket.Connect(new IPEndPoint(IPAddress.Parse(endpoint.Host), endpoint.Port));
            Span<byte> hello = stackalloc byte[4 + BulkProtocol.KeyLength];
            BinaryPrimitives.WriteUInt32LittleEndian(hello, BulkProtocol.Magic);
            endpoint.Key.CopyTo(hello[4..]);
            socket.Send(hello);
            Span<byte> ok = stackalloc byte[1];
            BulkProtocol.ReceiveExactly(socket, ok);
            return socket;
        }
        catch (Exception e) when (e is SocketException or EndOfStreamException)
        {
            socket.Dispose();
            throw new IOException($"Cannot open a bulk connection to the silo at {endpoint}: {e.Message}. Large arrays travel on the silo's bulk port; it must be reachable from the client.", e);
        }
    }

    private void Return(BulkEndpoint endpoint, Socket socket)
    {
        if (_disposed) socket.Dispose();
        else _idle.GetOrAdd(endpoint, _ => []).Add(socket);
    }

    public void Dispose()
    {
        _disposed = true;
        foreach (var bag in _idle.Values)
            while (bag.TryTake(out var socket)) socket.Dispose();
    }
}
