using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Parallel.Bulk;
using Orleans.Runtime;

namespace Orleans.Parallel.Grains.Bulk;

/// <summary>
/// The silo's bulk listener: large arrays come in (<see cref="BulkProtocol.Put"/>, into
/// <see cref="BulkInbox"/>) and go out (<see cref="BulkProtocol.Get"/>, from <see cref="BulkOutbox"/>)
/// over plain TCP beside Orleans, because Orleans messages top out far below what loopback TCP
/// carries. Bound to the silo's own address; a connection must first present the silo's random key,
/// which only the cluster's own messages carry.
/// </summary>
public sealed partial class BulkServer(
    BulkInbox inbox,
    BulkOutbox outbox,
    IOptions<EndpointOptions> endpoints,
    IOptions<BulkOptions> options,
    ILogger<BulkServer> logger) : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(BulkProtocol.KeyLength);
    private readonly ConcurrentDictionary<Socket, byte> _connections = new();
    private Socket? _listener;
    private Timer? _sweeper;

    /// <summary>Where clients reach this listener (set once the silo has started it).</summary>
    public BulkEndpoint Endpoint { get; private set; } = null!;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(BulkServer), ServiceLifecycleStage.ApplicationServices, Start, Stop);

    private Task Start(CancellationToken cancellationToken)
    {
        var address = endpoints.Value.AdvertisedIPAddress ?? IPAddress.Loopback;
        _listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(address, options.Value.Port));
        _listener.Listen(64);
        Endpoint = new BulkEndpoint(address.ToString(), ((IPEndPoint)_listener.LocalEndPoint!).Port, _key);
        new Thread(AcceptLoop) { IsBackground = true, Name = "bulk-accept" }.Start();
        _sweeper = new Timer(_ => { inbox.Sweep(DateTime.UtcNow); outbox.Sweep(DateTime.UtcNow); }, null, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10));
        LogListening(logger, Endpoint.ToString());
        return Task.CompletedTask;
    }

    private Task Stop(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _sweeper?.Dispose();
        _listener?.Dispose();
        foreach (var connection in _connections.Keys) connection.Dispose();
    }

    private void AcceptLoop()
    {
        while (true)
        {
            Socket connection;
            try
            {
                connection = _listener!.Accept();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return; // the listener closed with the silo
            }
            _connections[connection] = 0;
            new Thread(() => Serve(connection)) { IsBackground = true, Name = "bulk-connection" }.Start();
        }
    }

    private void Serve(Socket connection)
    {
        BulkInbox.Entry? receiving = null;
        try
        {
            BulkProtocol.Configure(connection);
            if (!Authenticate(connection)) return;
            Span<byte> header = stackalloc byte[1 + 16 + 1 + 8];
            while (true)
            {
                var op = header[..1];
                if (connection.Receive(op) == 0) return; // the client closed an idle connection
                switch (op[0])
                {
                    case BulkProtocol.Put:
                        BulkProtocol.ReceiveExactly(connection, header[1..]);
                        ReceivePut(connection, header, ref receiving);
                        break;
                    case BulkProtocol.Get:
                        BulkProtocol.ReceiveExactly(connection, header.Slice(1, 16));
                        SendClaimed(connection, new Guid(header.Slice(1, 16)));
                        break;
                    default:
                        LogBadFrame(logger, op[0]);
                        return;
                }
            }
        }
        catch (Exception e) when (e is SocketException or EndOfStreamException or ObjectDisposedException or InvalidDataException)
        {
            receiving?.Array.TrySetException(new IOException($"The client's bulk connection broke during the transfer: {e.Message}", e));
            LogConnectionEnded(logger, e.Message);
        }
        catch (OutOfMemoryException e)
        {
            receiving?.Array.TrySetException(new InsufficientMemoryException("The silo has no memory for the array sent to it.", e));
        }
        finally
        {
            _connections.TryRemove(connection, out _);
            connection.Dispose();
        }
    }

    /// <summary>
    /// Receives one array into the inbox. A frame of its own so that no local of the connection's
    /// loop holds the array afterwards: an idle connection would keep it alive after the engine
    /// replaced it, and the next large receipt could not reuse its memory (GrainInterfaces/Bulk/Reclaim.cs).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ReceivePut(Socket connection, ReadOnlySpan<byte> header, ref BulkInbox.Entry? receiving)
    {
        var token = new Guid(header.Slice(1, 16));
        var element = BulkProtocol.ElementOf(header[17]);
        var length = BinaryPrimitives.ReadInt64LittleEndian(header[18..]);
        receiving = inbox.Receiving(token);
        var array = BulkProtocol.Allocate(element, length);
        BulkProtocol.ReceiveArray(connection, array, length);
        receiving.Array.TrySetResult(array);
        receiving = null;
    }

    private bool Authenticate(Socket connection)
    {
        Span<byte> hello = stackalloc byte[4 + BulkProtocol.KeyLength];
        BulkProtocol.ReceiveExactly(connection, hello);
        if (BinaryPrimitives.ReadUInt32LittleEndian(hello) != BulkProtocol.Magic
            || !CryptographicOperations.FixedTimeEquals(hello[4..], _key))
        {
            LogRejected(logger, connection.RemoteEndPoint?.ToString() ?? "?");
            return false;
        }
        connection.Send([1]);
        return true;
    }

    /// <summary>Sends the array offered under <paramref name="token"/>; like <see cref="ReceivePut"/>, a frame of its own so the loop keeps no array alive.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void SendClaimed(Socket connection, Guid token) => Send(connection, outbox.Claim(token));

    private static void Send(Socket connection, BulkOutbox.Offered? offered)
    {
        Span<byte> answer = stackalloc byte[1 + 8];
        if (offered is null)
        {
            connection.Send(answer); // found = 0: expired or unknown
            return;
        }
        try
        {
            var length = (long)Buffer.ByteLength(offered.Array);
            answer[0] = 1;
            BinaryPrimitives.WriteInt64LittleEndian(answer[1..], length);
            connection.Send(answer);
            BulkProtocol.SendArray(connection, offered.Array, 0, length);
        }
        finally
        {
            offered.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Bulk listener on {Endpoint}")]
    private static partial void LogListening(ILogger logger, string endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bulk connection from {Remote} rejected: wrong key")]
    private static partial void LogRejected(ILogger logger, string remote);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bulk connection sent unknown frame {Op}")]
    private static partial void LogBadFrame(ILogger logger, byte op);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Bulk connection ended: {Reason}")]
    private static partial void LogConnectionEnded(ILogger logger, string reason);
}

/// <summary>Options of the silo's bulk listener.</summary>
public sealed class BulkOptions
{
    /// <summary>The TCP port of the bulk listener; 0 (default) takes a free one, which the engine directory tells clients.</summary>
    public int Port { get; set; }
}
