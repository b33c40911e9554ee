using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Orleans.Parallel.Bulk;
using Orleans.Parallel.Security;

namespace Orleans.Parallel.Connection;

/// <summary>
/// The client's side of the bulk path: sends large arrays to a silo's bulk listener and fetches
/// result arrays from it, between the socket and the array's own memory. Connections are kept per
/// silo and used by one transfer at a time. Transfers run on their own threads (blocking socket
/// calls on a span over the array are the fastest loopback path, and must not hold pool threads).
/// Connections use mutual TLS with <paramref name="credential"/> (the cluster's, as Orleans' do);
/// plain TCP only for an insecure cluster (null).
/// </summary>
internal sealed class BulkClient(ClusterCredential? credential) : IDisposable
{
    /// <summary>
    /// Transfers at once to one silo, at most: more wait for a connection. A push of one large array
    /// to a thousand engines would otherwise open a thousand connections and threads, past the silo's
    /// per-address cap (<c>BulkOptions.MaxConnectionsPerPeer</c>); a few streams already fill the link.
    /// </summary>
    public const int ConnectionsPerSilo = 8;

    private readonly ConcurrentDictionary<BulkEndpoint, ConcurrentBag<Stream>> _idle = new();
    private readonly ConcurrentDictionary<BulkEndpoint, SemaphoreSlim> _gates = new();
    private volatile bool _disposed;

    /// <summary>Sends <paramref name="byteLength"/> bytes of <paramref name="array"/> under <paramref name="token"/>; completes when the bytes are no longer read.</summary>
    public Task SendAsync(BulkEndpoint endpoint, Guid token, Array array, long byteOffset, long byteLength) => Run(endpoint, stream =>
    {
        Span<byte> header = stackalloc byte[1 + 16 + 1 + 8];
        header[0] = BulkProtocol.Put;
        token.TryWriteBytes(header.Slice(1, 16));
        header[17] = BulkProtocol.CodeOf(array.GetType().GetElementType()!);
        BinaryPrimitives.WriteInt64LittleEndian(header[18..], byteLength);
        stream.Write(header);
        BulkProtocol.SendArray(stream, array, byteOffset, byteLength);
        stream.Flush();
        return true;
    });

    /// <summary>Fetches the result array <paramref name="bulk"/> names from the silo that holds it.</summary>
    public Task<Array> FetchAsync(BulkRef bulk)
    {
        var source = bulk.Source ?? throw new InvalidDataException($"Bulk result {bulk.Token} names no silo to fetch it from.");
        var element = BulkProtocol.ElementOf(bulk.ElementType);
        return Run(source, stream =>
        {
            Span<byte> frame = stackalloc byte[1 + 16];
            frame[0] = BulkProtocol.Get;
            bulk.Token.TryWriteBytes(frame[1..]);
            stream.Write(frame);
            stream.Flush();
            Span<byte> answer = stackalloc byte[1 + 8];
            BulkProtocol.ReceiveExactly(stream, answer);
            if (answer[0] == 0)
                throw new InvalidOperationException(
                    $"The silo at {source} no longer holds result {bulk.Token}: a result offered in bulk is kept for 60 s, or until its client's session ends.");
            var length = BinaryPrimitives.ReadInt64LittleEndian(answer[1..]);
            if (length != bulk.ByteLength) throw new InvalidDataException($"Bulk result {bulk.Token} has {length} bytes, not the {bulk.ByteLength} announced.");
            var array = BulkProtocol.Allocate(element, length);
            try { BulkProtocol.ReceiveArray(stream, array, length); }
            catch (IOException e) // closed, or reset, in the middle
            {
                throw new IOException(
                    $"The silo at {source} stopped sending result {bulk.Token} ({length:N0} bytes) part way: the silo, or the isolated engine's process the result " +
                    "was still coming from, ended while it was sent, and the result is lost. Run the task again (its engine has restarted if its process ended).", e);
            }
            return array;
        });
    }

    private async Task<T> Run<T>(BulkEndpoint endpoint, Func<Stream, T> transfer)
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

    private T Transfer<T>(BulkEndpoint endpoint, Func<Stream, T> transfer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var stream = Rent(endpoint);
        try
        {
            var result = transfer(stream);
            Return(endpoint, stream);
            return result;
        }
        catch
        {
            stream.Dispose(); // its position is unknown now
            throw;
        }
    }

    /// <summary>An idle connection to <paramref name="endpoint"/>, or a new one: TCP, TLS (when secure), then the listener's key.</summary>
    private Stream Rent(BulkEndpoint endpoint)
    {
        if (_idle.TryGetValue(endpoint, out var idle) && idle.TryTake(out var pooled)) return pooled;
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        Stream? stream = null;
        try
        {
            BulkProtocol.Configure(socket);
            socket.Connect(new IPEndPoint(IPAddress.Parse(endpoint.Host), endpoint.Port));
            stream = new NetworkStream(socket, ownsSocket: true);
            if (credential is not null)
            {
                var coalescing = new CoalescingStream(stream);
                var tls = new SslStream(coalescing, leaveInnerStreamOpen: false);
                stream = tls;
                tls.AuthenticateAsClient(credential.ClientOptions(endpoint.Host));
                coalescing.Coalesce = true; // from here every frame this side sends ends with a flush
            }
            Span<byte> hello = stackalloc byte[4 + BulkProtocol.KeyLength];
            BinaryPrimitives.WriteUInt32LittleEndian(hello, BulkProtocol.Magic);
            endpoint.Key.CopyTo(hello[4..]);
            stream.Write(hello);
            stream.Flush();
            Span<byte> ok = stackalloc byte[1];
            BulkProtocol.ReceiveExactly(stream, ok);
            return stream;
        }
        catch (Exception e) when (e is SocketException or IOException or System.Security.Authentication.AuthenticationException)
        {
            if (stream is null) socket.Dispose();
            else stream.Dispose();
            throw new IOException(
                $"Cannot open a bulk connection to the silo at {endpoint}: {e.Message}. Large arrays travel on the silo's bulk port; it must be reachable from the client" +
                (credential is null ? ", and speak plain TCP (an insecure cluster)." : ", and take the cluster's credential."), e);
        }
    }

    private void Return(BulkEndpoint endpoint, Stream stream)
    {
        if (_disposed) stream.Dispose();
        else _idle.GetOrAdd(endpoint, _ => []).Add(stream);
    }

    public void Dispose()
    {
        _disposed = true;
        foreach (var bag in _idle.Values)
            while (bag.TryTake(out var stream)) stream.Dispose();
    }
}
