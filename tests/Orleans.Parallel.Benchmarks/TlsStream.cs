using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Orleans.Parallel.Bulk;
using Orleans.Parallel.Security;

namespace Orleans.Parallel.Benchmarks;

/// <summary>
/// The bulk path's stream alone, in this process over loopback: 1 GiB written on one connection and read
/// on the other into memory used before, through mutual TLS exactly as the bulk port sets it up
/// (<see cref="CoalescingStream"/> under <see cref="SslStream"/>, the cluster credential) and through plain
/// TCP. What TLS costs a transfer, without the silo, the GC's page faults (which swing a silo's 1 GiB
/// figures by 4x between runs on a VM) or the grain calls around it. The writer blocks on a thread of
/// its own and the reader awaits, as the client and the silo do for a push.
/// </summary>
internal static class TlsStream
{
    private const int Bytes = 1 << 30;

    public static void Measure(Figures figures)
    {
        var credential = ClusterCredential.Generate("benchmark");
        var data = GC.AllocateUninitializedArray<byte>(Bytes);
        new Random(7).NextBytes(data);
        var sink = GC.AllocateUninitializedArray<byte>(Bytes);
        foreach (var secure in new[] { true, false })
        {
            var rates = new List<double>();
            using var pair = Connect(secure ? credential : null);
            for (var round = 0; round < 4; round++)
            {
                var clock = Stopwatch.StartNew();
                var reader = Task.Run(async () =>
                {
                    var left = sink.AsMemory();
                    while (!left.IsEmpty) left = left[await pair.Server.ReadAsync(left)..];
                });
                var writer = Task.Factory.StartNew(() =>
                {
                    pair.Client.Write(data);
                    pair.Client.Flush();
                }, TaskCreationOptions.LongRunning);
                Task.WaitAll(reader, writer);
                if (round > 0) rates.Add(Bytes / 1e6 / clock.Elapsed.TotalSeconds); // the first fills the sink's pages
            }
            if (!sink.AsSpan().SequenceEqual(data)) throw new InvalidOperationException("The bytes read differ from those written.");
            figures.Add(secure ? "bulk_stream_tls_MBps" : "bulk_stream_plain_MBps", rates.Order().ElementAt(rates.Count / 2));
        }
    }

    private sealed class Pair(Stream client, Stream server) : IDisposable
    {
        public Stream Client { get; } = client;
        public Stream Server { get; } = server;

        public void Dispose()
        {
            Client.Dispose();
            Server.Dispose();
        }
    }

    /// <summary>A connected pair of streams over loopback, set up as the bulk client and listener do.</summary>
    private static Pair Connect(ClusterCredential? credential)
    {
        using var listener = new Socket(SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        var accepting = listener.AcceptAsync();
        var clientSocket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        BulkProtocol.Configure(clientSocket);
        clientSocket.Connect(listener.LocalEndPoint!);
        var serverSocket = accepting.GetAwaiter().GetResult();
        BulkProtocol.Configure(serverSocket);
        Stream client = new NetworkStream(clientSocket, ownsSocket: true), server = new NetworkStream(serverSocket, ownsSocket: true);
        if (credential is null) return new Pair(client, server);

        var (clientCoalescing, serverCoalescing) = (new CoalescingStream(client), new CoalescingStream(server));
        var (clientTls, serverTls) = (new SslStream(clientCoalescing), new SslStream(serverCoalescing));
        var serverHandshake = serverTls.AuthenticateAsServerAsync(credential.ServerOptions());
        clientTls.AuthenticateAsClient(credential.ClientOptions(IPAddress.Loopback.ToString()));
        serverHandshake.GetAwaiter().GetResult();
        clientCoalescing.Coalesce = serverCoalescing.Coalesce = true;
        return new Pair(clientTls, serverTls);
    }
}
