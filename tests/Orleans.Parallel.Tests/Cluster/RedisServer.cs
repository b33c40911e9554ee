using System.Net;
using System.Net.Sockets;

namespace Orleans.Parallel.Tests.Cluster;

/// <summary>A real Redis server (Debian's <c>redis-server</c>) on a free loopback port, nothing saved to disk.</summary>
public sealed class RedisServer : ServerProcess
{
    /// <summary>The server's address as the clustering options take it.</summary>
    public string Connection => $"127.0.0.1:{Port}";

    protected override string Name => "a Redis server (redis-server)";

    protected override string InstallHint => "Install it with 'sudo apt-get install redis-server'";

    protected override string? Find() => FirstExisting("/usr/bin/redis-server", "/usr/local/bin/redis-server");

    protected override async Task InstallAsync()
    {
        var noninteractive = new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" };
        await RunAsync("apt-get", ["update"], noninteractive);
        await RunAsync("apt-get", ["install", "-y", "--no-install-recommends", "-o", "DPkg::Lock::Timeout=300", "redis-server"], noninteractive);
    }

    protected override IReadOnlyList<string> Arguments(int port) =>
        ["--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", Folder];

    protected override async Task<bool> AnswersAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port).WaitAsync(TimeSpan.FromSeconds(2));
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(2));
            return System.Text.Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or IOException or TimeoutException)
        {
            return false;
        }
    }
}
