using System.Buffers.Binary;
using System.Net;
using System.Net.Security;
using Orleans.Parallel.Security;
using System.Net.Sockets;
using Orleans.Parallel.Bulk;
using Orleans.Parallel.Testing;
using Xunit.Abstractions;

namespace Orleans.Parallel.Tests.Processes;

/// <summary>
/// Whatever reaches a silo's bulk port, the silo lives on and serves tasks, and its threads and memory
/// come back near where they were: random bytes, every bad length a frame can announce (sent with the
/// right key, as a client of the cluster could), thousands of idle connections, a sender that trickles.
/// </summary>
public sealed class BulkPortFuzzTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task BulkPort_SurvivesGarbageBadLengthsIdleFloodsAndSlowSenders()
    {
        await using var silo = await SiloProcess.StartAsync(2, Patience);
        await using var rc = await ParallelClient.ConnectAsync(silo.ClientOptions);
        await rc.WaitForEnginesAsync(2, Patience);
        var endpoint = rc.BulkOf(0) ?? throw new InvalidOperationException("The engine directory names no bulk endpoint.");
        await ServesTasksAsync(rc); // warm: the figures below start from a silo that has pushed and pulled
        var threadsBefore = silo.StatusValue("Threads");
        var rssBefore = silo.StatusKilobytes("VmRSS") / 1024;
        var credential = rc.ConnectionSecurity.Credential!;
        // Never speaks: the silo closes it once its handshake time (10 s) is out (checked at the end).
        using var silent = new NetworkStream(await ConnectAsync(endpoint), ownsSocket: true);
        var silentSince = DateTime.UtcNow;

        // Random bytes: where TLS is expected (no handshake), and after a TLS handshake with the credential (no key).
        var random = new Random(17);
        for (var i = 0; i < 50; i++)
        {
            await using var stream = i % 2 == 0 ? new NetworkStream(await ConnectAsync(endpoint), ownsSocket: true) : await TlsAsync(endpoint, credential);
            var garbage = new byte[random.Next(1, 64 * 1024)];
            random.NextBytes(garbage);
            await SendIgnoringResetAsync(stream, garbage);
        }

        // Every bad length, with TLS and the key: negative, a byte array of 2 GiB (past Array.MaxLength), 2^62
        // bytes of doubles, a partial element, 1.9 GiB announced and nothing sent, and a frame whose
        // bytes run past its length into garbage.
        foreach (var (code, length) in new (byte, long)[] { (1, -1), (1, 1L << 31), (11, 1L << 62), (11, 12), (11, 1900L << 20) })
        {
            await using var stream = await AuthenticatedAsync(endpoint, credential);
            await SendIgnoringResetAsync(stream, PutHeader(Guid.NewGuid(), code, length));
            if (length == 1900L << 20) await Task.Delay(200); // announced and never sent: dropped with the connection below
        }
        await using (var overrun = await AuthenticatedAsync(endpoint, credential))
        {
            await SendIgnoringResetAsync(overrun, [.. PutHeader(Guid.NewGuid(), 1, 16), .. new byte[16], .. Enumerable.Repeat((byte)0xEE, 100)]);
            Assert.Equal(0, await ReadToEndAsync(overrun)); // the unknown frame after the array ends the connection
        }

        // 2,000 connections that never speak: the listener holds its cap, closes the rest, and drops the
        // ones it admitted when their handshake time runs out.
        var idle = new List<Socket>();
        try
        {
            for (var i = 0; i < 2000; i++) idle.Add(await ConnectAsync(endpoint));
            await ServesTasksAsync(rc); // meanwhile the silo serves tasks, arrays in bulk included
        }
        finally
        {
            foreach (var socket in idle) socket.Dispose();
        }

        // A sender that trickles: its transfer takes its time, everyone else's does not wait for it.
        await using (var slow = await AuthenticatedAsync(endpoint, credential))
        {
            await slow.WriteAsync(PutHeader(Guid.NewGuid(), 1, 1024));
            for (var i = 0; i < 10; i++)
            {
                await slow.WriteAsync(new byte[1]);
                if (i == 5) await ServesTasksAsync(rc);
                await Task.Delay(50);
            }
        }

        Assert.False(silo.HasExited, "The silo died.\n" + silo.Output);
        await ServesTasksAsync(rc);
        Assert.Equal(0, await ReadToEndAsync(silent)); // throws if the silo never closes it
        Assert.True(DateTime.UtcNow - silentSince >= TimeSpan.FromSeconds(9), "The silent connection was closed before its handshake time ran out.");
        long threadsAfter = 0, rssAfter = 0;
        for (var until = DateTime.UtcNow + Patience; DateTime.UtcNow < until; await Task.Delay(250))
        {
            (threadsAfter, rssAfter) = (silo.StatusValue("Threads"), silo.StatusKilobytes("VmRSS") / 1024);
            if (threadsAfter <= threadsBefore + 10 && rssAfter <= rssBefore + 200) break;
        }
        output.WriteLine($"silo threads {threadsBefore} -> {threadsAfter}, RSS {rssBefore} -> {rssAfter} MB");
        Assert.True(threadsAfter <= threadsBefore + 10, $"The silo's threads went from {threadsBefore} to {threadsAfter}.");
        Assert.True(rssAfter <= rssBefore + 200, $"The silo's RSS went from {rssBefore} to {rssAfter} MB.");
        Assert.Equal(0, await silo.StopAsync());
    }

    /// <summary>A push and a pull of a 1 MB array (both on the bulk path) and an Apply on every engine.</summary>
    private static async Task ServesTasksAsync(ParallelClient rc)
    {
        var data = Enumerable.Range(0, 128 * 1024).Select(i => (double)i).ToArray();
        await rc[..].PushAsync(new { fuzz_data = data }).AsTask().WaitAsync(Patience);
        var back = await rc[1].PullAsync<double[]>("fuzz_data").AsTask().WaitAsync(Patience);
        Assert.Equal(data, back);
        Assert.Equal([2, 2], await rc[..].ApplyAsync(() => 2).AsTask().WaitAsync(Patience));
    }

    private static async Task<Socket> ConnectAsync(BulkEndpoint endpoint)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Parse(endpoint.Host), endpoint.Port));
        return socket;
    }

    /// <summary>A TLS connection with the cluster credential, as the client opens one.</summary>
    private static async Task<Stream> TlsAsync(BulkEndpoint endpoint, ClusterCredential credential)
    {
        var tls = new SslStream(new NetworkStream(await ConnectAsync(endpoint), ownsSocket: true));
        await tls.AuthenticateAsClientAsync(credential.ClientOptions(endpoint.Host));
        return tls;
    }

    /// <summary>TLS, then the listener's key: a connection the silo serves.</summary>
    private static async Task<Stream> AuthenticatedAsync(BulkEndpoint endpoint, ClusterCredential credential)
    {
        var stream = await TlsAsync(endpoint, credential);
        var hello = new byte[4 + BulkProtocol.KeyLength];
        BinaryPrimitives.WriteUInt32LittleEndian(hello, BulkProtocol.Magic);
        endpoint.Key.CopyTo(hello, 4);
        await stream.WriteAsync(hello);
        var ok = new byte[1];
        Assert.Equal(1, await stream.ReadAsync(ok));
        return stream;
    }

    private static byte[] PutHeader(Guid token, byte elementCode, long byteLength)
    {
        var header = new byte[1 + BulkProtocol.PutHeaderLength];
        header[0] = BulkProtocol.Put;
        token.TryWriteBytes(header.AsSpan(1, 16));
        header[17] = elementCode;
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(18), byteLength);
        return header;
    }

    /// <summary>Sends, accepting that the silo may already have closed the connection.</summary>
    private static async Task SendIgnoringResetAsync(Stream stream, byte[] bytes)
    {
        try
        {
            await stream.WriteAsync(bytes);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Reads until the silo closes the connection; how many bytes it sent meanwhile.</summary>
    private static async Task<int> ReadToEndAsync(Stream stream)
    {
        var total = 0;
        var buffer = new byte[1024];
        using var timeout = new CancellationTokenSource(Patience);
        try
        {
            for (int read; (read = await stream.ReadAsync(buffer, timeout.Token)) > 0;) total += read;
        }
        catch (IOException)
        {
        }
        return total;
    }
}
