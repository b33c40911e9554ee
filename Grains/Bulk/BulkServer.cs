using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Parallel.Bulk;
using Orleans.Parallel.Security;
using Orleans.Runtime;

namespace Orleans.Parallel.Grains.Bulk;

/// <summary>
/// The silo's bulk listener: large arrays come in (<see cref="BulkProtocol.Put"/>, into
/// <see cref="BulkInbox"/>) and go out (<see cref="BulkProtocol.Get"/>, from <see cref="BulkOutbox"/>)
/// over TCP beside Orleans, because Orleans messages top out far below what loopback TCP carries.
/// Bound to the silo's own address; a connection must first complete mutual TLS with the cluster
/// credential (unless the silo is insecure), then present the silo's random key, which only the
/// cluster's own messages carry.
/// <para>
/// Whatever reaches the port cannot take the silo down: everything is asynchronous (no thread per
/// connection, none before the key), connections are capped in total and per address, a connection
/// that does not present the key in time or stalls mid-transfer is dropped, every length is checked
/// before memory is taken, the bytes in flight are bounded (<see cref="BulkInbox"/>), pages are mapped
/// as bytes arrive, and any failure ends that one connection, never the accept loop.
/// </para>
/// </summary>
public sealed partial class BulkServer(
    BulkInbox inbox,
    BulkOutbox outbox,
    IOptions<EndpointOptions> endpoints,
    IOptions<BulkOptions> options,
    IServiceProvider services,
    ILogger<BulkServer> logger) : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    /// <summary>Mutual TLS with the cluster credential, as on the silo's Orleans ports; none when the silo is insecure.</summary>
    private readonly ClusterCredential? _credential = services.GetService<ClusterSecurity>()?.Credential;
    private readonly Telemetry.ParallelMetrics? _metrics = services.GetService<Telemetry.ParallelMetrics>();

    private readonly byte[] _key = RandomNumberGenerator.GetBytes(BulkProtocol.KeyLength);
    private readonly ConcurrentDictionary<Socket, byte> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly BulkAdmission _admission = new(options.Value.MaxConnections, options.Value.MaxConnectionsPerPeer);
    private Socket? _listener;
    private Timer? _sweeper;

    /// <summary>Where clients reach this listener (set once the silo has started it).</summary>
    public BulkEndpoint Endpoint { get; private set; } = null!;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(BulkServer), ServiceLifecycleStage.ApplicationServices, Start, Stop);

    private Task Start(CancellationToken cancellationToken)
    {
        var address = endpoints.Value.AdvertisedIPAddress ?? IPAddress.Loopback;
        // Where the gateway listens, the bulk port listens: the advertised address, or every interface
        // when the silo was told to (a translated address), never more than the gateway.
        var bind = endpoints.Value.GatewayListeningEndpoint?.Address is { } listening && listening.Equals(IPAddress.Any) ? IPAddress.Any : address;
        _listener = new Socket(bind.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(bind, options.Value.Port));
        _listener.Listen(512);
        // Clients are told the translated endpoint when there is one (a container's published port).
        Endpoint = new BulkEndpoint(options.Value.AdvertisedHost ?? address.ToString(), options.Value.AdvertisedPort ?? ((IPEndPoint)_listener.LocalEndPoint!).Port, _key);
        _ = AcceptLoopAsync(_listener);
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
        _stopping.Cancel();
        _sweeper?.Dispose();
        _listener?.Dispose();
        foreach (var connection in _connections.Keys) connection.Dispose();
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await listener.AcceptAsync(_stopping.Token);
            }
            catch (Exception) when (_stopping.IsCancellationRequested)
            {
                return; // the listener closed with the silo
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (Exception e)
            {
                // Out of descriptors, a connection reset before it was accepted: keep listening.
                LogAcceptFailed(logger, e.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(50));
                continue;
            }
            var peer = (connection.RemoteEndPoint as IPEndPoint)?.Address ?? IPAddress.None;
            if (!_admission.TryAdmit(peer))
            {
                LogRefused(logger, peer.ToString(), options.Value.MaxConnections, options.Value.MaxConnectionsPerPeer);
                connection.Dispose();
                continue;
            }
            _ = ServeAsync(connection, peer);
        }
    }

    private async Task ServeAsync(Socket connection, IPAddress peer)
    {
        _connections[connection] = 0;
        BulkInbox.Entry? receiving = null;
        try
        {
            BulkProtocol.Configure(connection);
            await using var stream = await AuthenticateAsync(new NetworkStream(connection, ownsSocket: false), peer);
            if (stream is null) return;
            var header = new byte[1 + BulkProtocol.PutHeaderLength];
            while (true)
            {
                // Idle between transfers: no timeout (the client pools its connections), no thread.
                if (await stream.ReadAsync(header.AsMemory(0, 1), _stopping.Token) == 0) return;
                using var stall = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
                switch (header[0])
                {
                    case BulkProtocol.Put:
                        await ReadExactlyAsync(stream, header.AsMemory(1), stall);
                        receiving = inbox.Receiving(new Guid(header.AsSpan(1, 16)));
                        await ReceivePutAsync(stream, header, receiving, stall);
                        receiving = null;
                        break;
                    case BulkProtocol.Get:
                        await ReadExactlyAsync(stream, header.AsMemory(1, 16), stall);
                        await SendAsync(stream, outbox.Claim(new Guid(header.AsSpan(1, 16))), stall);
                        break;
                    default:
                        LogBadFrame(logger, peer.ToString(), header[0]);
                        return;
                }
            }
        }
        catch (Exception e)
        {
            // One connection's failure, whatever it is: the task waiting for its array learns why.
            receiving?.Fail(e is OutOfMemoryException
                ? new InsufficientMemoryException("The silo has no memory for the array sent to it.", e)
                : new IOException($"The client's bulk transfer failed: {e.Message}", e));
            LogConnectionEnded(logger, peer.ToString(), e.Message);
        }
        finally
        {
            _connections.TryRemove(connection, out _);
            connection.Dispose();
            _admission.Release(peer);
        }
    }

    /// <summary>
    /// The connection's stream once the peer has proved itself, within the handshake timeout: the TLS
    /// handshake with a pinned client certificate (when secure), then the listener's key. Null if it did not.
    /// </summary>
    private async Task<Stream?> AuthenticateAsync(NetworkStream network, IPAddress peer)
    {
        Stream stream = network;
        var hello = new byte[4 + BulkProtocol.KeyLength];
        using (var handshake = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token))
        {
            handshake.CancelAfter(options.Value.HandshakeTimeout);
            try
            {
                if (_credential is not null)
                {
                    var coalescing = new CoalescingStream(network);
                    var tls = new SslStream(coalescing, leaveInnerStreamOpen: false);
                    stream = tls;
                    await tls.AuthenticateAsServerAsync(_credential.ServerOptions(), handshake.Token);
                    coalescing.Coalesce = true; // from here every frame this side sends ends with a flush
                }
                await stream.ReadExactlyAsync(hello, handshake.Token);
            }
            catch (OperationCanceledException) when (!_stopping.IsCancellationRequested)
            {
                LogRejected(logger, peer.ToString(), $"no {(stream is SslStream { IsAuthenticated: false } ? "TLS handshake" : "key")} within {options.Value.HandshakeTimeout.TotalSeconds:0} s");
                await stream.DisposeAsync();
                return null;
            }
            catch (Exception e) when (e is System.Security.Authentication.AuthenticationException or IOException && stream is SslStream { IsAuthenticated: false })
            {
                LogRejected(logger, peer.ToString(), $"TLS handshake failed (no certificate of this cluster): {e.Message}");
                await stream.DisposeAsync();
                return null;
            }
        }
        if (BinaryPrimitives.ReadUInt32LittleEndian(hello) != BulkProtocol.Magic || !CryptographicOperations.FixedTimeEquals(hello.AsSpan(4), _key))
        {
            LogRejected(logger, peer.ToString(), "wrong key");
            await stream.DisposeAsync();
            return null;
        }
        await stream.WriteAsync(new byte[] { 1 }, _stopping.Token);
        await stream.FlushAsync(_stopping.Token);
        return stream;
    }

    /// <summary>
    /// Receives one array into the inbox, after checking its length against what an array can hold and
    /// what the silo may hold in flight. A frame of its own so that no local of the connection's loop
    /// holds the array afterwards: an idle connection would keep it alive after the engine replaced it,
    /// and the next large receipt could not reuse its memory (GrainInterfaces/Bulk/Reclaim.cs).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private async Task ReceivePutAsync(Stream stream, byte[] header, BulkInbox.Entry receiving, CancellationTokenSource stall)
    {
        var element = BulkProtocol.ElementOf(header[17]);
        var length = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(18));
        BulkProtocol.ElementCount(element, length); // throws for a negative length, a partial element, too many elements
        if (!receiving.TryBegin(length, out var refused)) throw new InvalidDataException($"The silo refused {length:N0} bytes of bulk data: {refused}.");
        var array = BulkProtocol.Allocate(element, length, populate: false);
        await ReceiveArrayAsync(stream, array, stall);
        _metrics?.BulkIn(length);
        receiving.Array.TrySetResult(array);
    }

    /// <summary>Fills <paramref name="array"/> from the stream in windows, mapping each window's pages just before its bytes arrive.</summary>
    private async Task ReceiveArrayAsync(Stream stream, Array array, CancellationTokenSource stall)
    {
        using var bytes = new PinnedArrayBytes(array);
        for (long offset = 0; offset < bytes.Length;)
        {
            var window = bytes.Window(offset);
            bytes.Populate(offset, window.Length);
            await ReadExactlyAsync(stream, window, stall);
            offset += window.Length;
        }
    }

    /// <summary>Reads all of <paramref name="buffer"/>; fails if no byte arrives for <see cref="BulkOptions.StallTimeout"/>.</summary>
    private async Task ReadExactlyAsync(Stream stream, Memory<byte> buffer, CancellationTokenSource stall)
    {
        while (!buffer.IsEmpty)
        {
            stall.CancelAfter(options.Value.StallTimeout);
            var read = await stream.ReadAsync(buffer, stall.Token);
            if (read == 0) throw new EndOfStreamException("The bulk connection closed in the middle of a transfer.");
            buffer = buffer[read..];
        }
    }

    /// <summary>Sends the array offered under a token, from its own memory; like <see cref="ReceivePutAsync"/>, a frame of its own so the loop keeps no array alive.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private async Task SendAsync(Stream stream, BulkOutbox.Offered? offered, CancellationTokenSource stall)
    {
        var answer = new byte[1 + 8];
        if (offered is null)
        {
            await stream.WriteAsync(answer, stall.Token); // found = 0: expired or unknown
            await stream.FlushAsync(stall.Token);
            return;
        }
        try
        {
            answer[0] = 1;
            BinaryPrimitives.WriteInt64LittleEndian(answer.AsSpan(1), BulkProtocol.ByteLength(offered.Array));
            await stream.WriteAsync(answer, stall.Token);
            using var bytes = new PinnedArrayBytes(offered.Array);
            // An isolated engine's result may still be arriving from its process: each part goes once it is in.
            var arrival = ArrayArrival.Of(offered.Array);
            for (long offset = 0, arrived = bytes.Length; offset < bytes.Length;)
            {
                stall.CancelAfter(options.Value.StallTimeout);
                if (arrival is not null) arrived = await arrival.MoreThanAsync(offset, stall.Token);
                var window = bytes.Window(offset)[..(int)Math.Min(PinnedArrayBytes.MaxWindow, arrived - offset)];
                await stream.WriteAsync(window, stall.Token);
                offset += window.Length;
            }
            await stream.FlushAsync(stall.Token);
            _metrics?.BulkOut(bytes.Length);
        }
        finally
        {
            offered.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Bulk listener on {Endpoint}")]
    private static partial void LogListening(ILogger logger, string endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bulk connection from {Remote} rejected: {Reason}")]
    private static partial void LogRejected(ILogger logger, string remote, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bulk connection from {Remote} refused: the listener holds its limit of connections ({Total} in all, {PerPeer} per address)")]
    private static partial void LogRefused(ILogger logger, string remote, int total, int perPeer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bulk listener could not accept a connection: {Reason}")]
    private static partial void LogAcceptFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bulk connection from {Remote} sent unknown frame {Op}")]
    private static partial void LogBadFrame(ILogger logger, string remote, byte op);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Bulk connection from {Remote} ended: {Reason}")]
    private static partial void LogConnectionEnded(ILogger logger, string remote, string reason);
}

