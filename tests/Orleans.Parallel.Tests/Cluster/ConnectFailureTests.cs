using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Orleans.Parallel.Errors;
using Orleans.Parallel.Hosting;
using Orleans.Parallel.Tests.Logging;
using Xunit.Abstractions;

namespace Orleans.Parallel.Tests.Cluster;

/// <summary>
/// <see cref="ParallelClient.ConnectAsync"/> where there is no gateway: it fails within seconds
/// (Orleans alone retries for the whole 30 s connect timeout), names the address, the options that
/// set it and how to start a silo, and writes nothing to the console; its logs go to the app's
/// logger factory when one is given. Durations are printed; the bounds only tell seconds from 30 s.
/// </summary>
public sealed class ConnectFailureTests(ITestOutputHelper output, OneSiloFixture silo, RedisServer redis) : IClassFixture<OneSiloFixture>, IClassFixture<RedisServer>
{
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task NothingListening_FailsWithinSeconds_NamingTheAddressGatewayPortAndHowToStartASilo()
    {
        var port = LoopbackPorts.Reserve(1)[0];

        // The default ConnectTimeout (30 s): a refusal must not wait for it.
        var (error, took) = await FailingConnectAsync<ClusterUnreachableException>(new ParallelClientOptions { GatewayPort = port });

        Assert.InRange(took, TimeSpan.Zero, Quick);
        Assert.Contains($"127.0.0.1:{port} (connection refused", error.Message);
        Assert.Contains("GatewayHost and GatewayPort", error.Message);
        Assert.Contains($"dotnet run -c Release --project Silo -- --engines 4 --gateway-port {port}", error.Message);
        Assert.Contains("LocalCluster.StartAsync()", error.Message);
    }

    [Fact]
    public async Task NothingListeningAtSeveral_NamesEach_AndAdditionalGateways()
    {
        var ports = LoopbackPorts.Reserve(2);
        var options = new ParallelClientOptions { GatewayPort = ports[0] };
        options.AdditionalGateways.Add($"127.0.0.1:{ports[1]}");

        var (error, _) = await FailingConnectAsync<ClusterUnreachableException>(options);

        Assert.Contains($"127.0.0.1:{ports[0]} (connection refused", error.Message);
        Assert.Contains($"127.0.0.1:{ports[1]} (connection refused", error.Message);
        Assert.Contains("AdditionalGateways", error.Message);
    }

    [Fact]
    public async Task SiloToSiloPort_FailsWithinSeconds_NamedAsNotAGateway()
    {
        var (error, took) = await FailingConnectAsync<ClusterUnreachableException>(new ParallelClientOptions { GatewayPort = silo.SiloPort });

        Assert.InRange(took, TimeSpan.Zero, Quick);
        Assert.Contains($"127.0.0.1:{silo.SiloPort} (it accepts, but speaks first as an Orleans silo-to-silo port does: not a gateway)", error.Message);
        Assert.Contains("Set GatewayPort to the silo's gateway port", error.Message);
    }

    [Fact]
    public async Task SiloToSiloPortBesideARefusedOne_NamesBoth()
    {
        var refused = LoopbackPorts.Reserve(1)[0];
        var options = new ParallelClientOptions { GatewayPort = silo.SiloPort };
        options.AdditionalGateways.Add($"127.0.0.1:{refused}");

        var (error, took) = await FailingConnectAsync<ClusterUnreachableException>(options);

        Assert.InRange(took, TimeSpan.Zero, Quick);
        Assert.Contains($"127.0.0.1:{refused} (connection refused", error.Message);
        Assert.Contains($"127.0.0.1:{silo.SiloPort} (it accepts, but speaks first", error.Message);
    }

    [Fact]
    public async Task APortThatAcceptsAndStaysSilent_TimesOutAfterConnectTimeout_SayingWhatToCheck()
    {
        using var listener = SilentListener(out var port);

        var (error, took) = await FailingConnectAsync<TimeoutException>(new ParallelClientOptions { GatewayPort = port, ConnectTimeout = TimeSpan.FromSeconds(2) });

        Assert.InRange(took, TimeSpan.FromSeconds(1.9), Quick);
        Assert.Contains($"127.0.0.1:{port}", error.Message);
        Assert.Contains("ParallelClientOptions.ConnectTimeout", error.Message);
        Assert.Contains("silo-to-silo port", error.Message);
    }

    [Fact]
    public async Task RedisTableWithNoSilo_SaysTheTableListsNoGateway_NamingTheOptions()
    {
        var options = new ParallelClientOptions
        {
            Clustering = ClusterMembership.Redis,
            ClusteringConnection = redis.Connection,
            ClusterId = "nobody-" + Guid.NewGuid().ToString("N")[..8],
            ConnectTimeout = TimeSpan.FromSeconds(3),
            Credential = SecureTestCluster.Credential, // a credential, so that what is missing is the silo
        };

        var (error, _) = await FailingConnectAsync<TimeoutException>(options);

        Assert.Contains($"The redis membership table (ParallelClientOptions.Clustering and ClusteringConnection) listed no live gateway of cluster '{options.ClusterId}'", error.Message);
        Assert.Contains("--clustering redis", error.Message);
    }

    [Fact]
    public async Task RedisServerNotThere_FailsWithinSeconds_NamingClusteringConnection()
    {
        var port = LoopbackPorts.Reserve(1)[0];
        var options = new ParallelClientOptions { Clustering = ClusterMembership.Redis, ClusteringConnection = $"127.0.0.1:{port}" };

        var (error, took) = await FailingConnectAsync<ClusterUnreachableException>(options);

        Assert.InRange(took, TimeSpan.Zero, Quick);
        Assert.Contains($"127.0.0.1:{port} (connection refused", error.Message);
        Assert.Contains("ParallelClientOptions.ClusteringConnection", error.Message);
    }

    [Fact]
    public async Task FailedConnects_WriteNothingToTheConsole()
    {
        using var listener = SilentListener(out var silent);
        var refused = LoopbackPorts.Reserve(1)[0];
        var console = new StringWriter();
        var (stdout, stderr) = (Console.Out, Console.Error);
        // Recorded beside, not instead of, what is there: in-process engines of other tests route their
        // tasks' output through the console's writer, and replacing it lost their output meanwhile.
        Console.SetOut(new TeeWriter(stdout, console));
        Console.SetError(new TeeWriter(stderr, console));
        try
        {
            await FailingConnectAsync<ClusterUnreachableException>(new ParallelClientOptions { GatewayPort = refused });
            await FailingConnectAsync<ClusterUnreachableException>(new ParallelClientOptions { GatewayPort = silo.SiloPort });
            await FailingConnectAsync<TimeoutException>(new ParallelClientOptions { GatewayPort = silent, ConnectTimeout = TimeSpan.FromSeconds(2) });
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
        }

        // Orleans' retry warnings name the gateway; none reached the console (other tests may write there).
        foreach (var port in new[] { refused, silo.SiloPort, silent })
            Assert.DoesNotContain($":{port}", console.ToString());
    }

    [Fact]
    public async Task FailedConnect_WithTheAppsLoggerFactory_OrleansWarningsGoThere()
    {
        using var listener = SilentListener(out var port);
        var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs));

        await FailingConnectAsync<TimeoutException>(new ParallelClientOptions { GatewayPort = port, ConnectTimeout = TimeSpan.FromSeconds(2), LoggerFactory = factory });

        foreach (var line in logs.Lines) output.WriteLine(line.ToString());
        Assert.Contains(logs.Lines, l => l.Level >= LogLevel.Warning && l.Category.StartsWith("Orleans.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Connect_WithTheAppsLoggerFactory_OrleansLogsGoThere()
    {
        var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Information));

        await using (await ParallelClient.ConnectAsync(new ParallelClientOptions { GatewayPort = silo.GatewayPort, LoggerFactory = factory })) { }

        Assert.Contains(logs.Lines, l => l.Category.StartsWith("Orleans.", StringComparison.Ordinal));
    }

    private async Task<(TException Error, TimeSpan Took)> FailingConnectAsync<TException>(ParallelClientOptions options) where TException : Exception
    {
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<TException>(() => ParallelClient.ConnectAsync(options));
        output.WriteLine($"{typeof(TException).Name} after {clock.Elapsed.TotalMilliseconds:F0} ms: {error.Message}");
        return (error, clock.Elapsed);
    }

    /// <summary>A loopback port that accepts connections and never speaks Orleans.</summary>
    private static TcpListener SilentListener(out int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        port = ((IPEndPoint)listener.LocalEndpoint).Port;
        return listener;
    }

    /// <summary>Writes to both writers: the console's own (so engines' output routing keeps working) and the test's record.</summary>
    private sealed class TeeWriter(TextWriter first, TextWriter second) : TextWriter
    {
        public override System.Text.Encoding Encoding => first.Encoding;

        public override void Write(char value)
        {
            first.Write(value);
            lock (second) second.Write(value);
        }

        public override void Write(string? value)
        {
            first.Write(value);
            lock (second) second.Write(value);
        }

        public override void Write(char[] buffer, int index, int count)
        {
            first.Write(buffer, index, count);
            lock (second) second.Write(buffer, index, count);
        }

        public override void WriteLine(string? value)
        {
            first.WriteLine(value);
            lock (second) second.WriteLine(value);
        }

        public override void Flush() => first.Flush();
    }
}
