using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Orleans.Parallel.Errors;
using Xunit.Abstractions;

namespace Orleans.Parallel.Tests.Views;

/// <summary><see cref="ParallelClient.ConnectAsync"/> checks its options before it tries to connect, fails fast and clearly when nothing answers, and logs where the app says.</summary>
public sealed class ClientOptionsTests(ITestOutputHelper output)
{
    public static TheoryData<Action<ParallelClientOptions>, string> BadOptions => new()
    {
        { o => o.GatewayHost = "", nameof(ParallelClientOptions.GatewayHost) },
        { o => o.GatewayHost = "  ", nameof(ParallelClientOptions.GatewayHost) },
        { o => o.ClusterId = "", nameof(ParallelClientOptions.ClusterId) },
        { o => o.ServiceId = " ", nameof(ParallelClientOptions.ServiceId) },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public async Task ConnectAsync_EmptySetting_ThrowsArgumentExceptionNamingIt(Action<ParallelClientOptions> spoil, string setting)
    {
        var options = new ParallelClientOptions();
        spoil(options);
        var error = await Assert.ThrowsAsync<ArgumentException>(() => ParallelClient.ConnectAsync(options));
        Assert.Equal(setting, error.ParamName);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(65536)]
    public async Task ConnectAsync_PortOutOfRange_ThrowsArgumentOutOfRange(int port)
    {
        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => ParallelClient.ConnectAsync(new ParallelClientOptions { GatewayPort = port }));
        Assert.Equal(nameof(ParallelClientOptions.GatewayPort), error.ParamName);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public async Task ConnectAsync_NonPositiveConnectTimeout_ThrowsArgumentOutOfRange(int seconds)
    {
        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => ParallelClient.ConnectAsync(new ParallelClientOptions { ConnectTimeout = TimeSpan.FromSeconds(seconds) }));
        Assert.Equal(nameof(ParallelClientOptions.ConnectTimeout), error.ParamName);
    }

    [Fact]
    public async Task FromClusterClientAsync_Null_ThrowsArgumentNullException()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(() => ParallelClient.FromClusterClientAsync(null!));
    }

    [Fact]
    public async Task ConnectAsync_NothingListening_FailsAtOnce_NamingTheAddressTheOptionsAndHowToStartASilo()
    {
        var port = Orleans.Parallel.Hosting.LoopbackPorts.Reserve(1)[0];

        var clock = Stopwatch.StartNew();
        // The default ConnectTimeout (30 s): a refusal must not wait for it.
        var error = await Assert.ThrowsAsync<ClusterUnreachableException>(() => ParallelClient.ConnectAsync(new ParallelClientOptions { GatewayPort = port }));
        output.WriteLine($"failed in {clock.Elapsed.TotalMilliseconds:F0} ms: {error.Message}");

        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10)); // about 10 ms here; 30 s before
        Assert.Contains($"127.0.0.1:{port} (connection refused", error.Message);
        Assert.Contains("GatewayPort", error.Message);
        Assert.Contains("--project Silo", error.Message);
    }

    [Fact]
    public async Task ConnectAsync_ToAPortThatIsNoGateway_SaysSo_AndWritesNothingToTheConsole()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0); // accepts, and never speaks Orleans
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var console = new StringWriter();
        var (stdout, stderr) = (Console.Out, Console.Error);
        Console.SetOut(console);
        Console.SetError(console);
        TimeoutException error;
        try
        {
            error = await Assert.ThrowsAsync<TimeoutException>(() => ParallelClient.ConnectAsync(
                new ParallelClientOptions { GatewayPort = port, ConnectTimeout = TimeSpan.FromSeconds(2) }));
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
        }

        Assert.Contains($"127.0.0.1:{port}", error.Message);
        Assert.Contains("ConnectTimeout", error.Message);
        Assert.Contains("silo-to-silo port", error.Message);
        // Orleans' retry warnings name the gateway; none reached the console (other tests may write there).
        Assert.DoesNotContain($"{port}", console.ToString());
    }

    [Fact]
    public async Task ConnectAsync_WithTheAppsLoggerFactory_TheClientsLogsGoThere()
    {
        await using var cluster = await LocalCluster.StartAsync(engines: 1);
        var logs = new CapturingLoggerFactory();

        await using (var rc = await ParallelClient.ConnectAsync(new ParallelClientOptions { GatewayPort = cluster.GatewayPort, LoggerFactory = logs }))
            Assert.Equal(2, await rc[rc.Ids[0]].ApplyAsync(() => 2));

        Assert.Contains(logs.Categories, c => c.StartsWith("Orleans", StringComparison.Ordinal));
    }

    /// <summary>An app's logger factory, reduced to what it was asked to write.</summary>
    private sealed class CapturingLoggerFactory : Microsoft.Extensions.Logging.ILoggerFactory
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _written = new();

        public IReadOnlyCollection<string> Categories => [.. _written.Keys];

        public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void AddProvider(Microsoft.Extensions.Logging.ILoggerProvider provider) { }

        public void Dispose() { }

        private sealed class Logger(CapturingLoggerFactory owner, string category) : Microsoft.Extensions.Logging.ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

            public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner._written.TryAdd(category, 0);
        }
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData(":30001")]
    [InlineData("127.0.0.1:")]
    [InlineData("127.0.0.1:0")]
    [InlineData("127.0.0.1:65536")]
    [InlineData("127.0.0.1:-3")]
    [InlineData("127.0.0.1:port")]
    public async Task ConnectAsync_BadAdditionalGateway_ThrowsArgumentExceptionNamingIt(string gateway)
    {
        var options = new ParallelClientOptions();
        options.AdditionalGateways.Add(gateway);
        var error = await Assert.ThrowsAsync<ArgumentException>(() => ParallelClient.ConnectAsync(options));
        Assert.Equal(nameof(ParallelClientOptions.AdditionalGateways), error.ParamName);
        Assert.Contains($"'{gateway}'", error.Message);
    }

    [Fact]
    public async Task ConnectAsync_AdditionalGatewaysWithRedisClustering_ThrowsSayingTheTableHasThem()
    {
        var options = new ParallelClientOptions { Clustering = ClusterMembership.Redis, ClusteringConnection = "127.0.0.1:6379" };
        options.AdditionalGateways.Add("127.0.0.1:30001");
        var error = await Assert.ThrowsAsync<ArgumentException>(() => ParallelClient.ConnectAsync(options));
        Assert.Equal(nameof(ParallelClientOptions.AdditionalGateways), error.ParamName);
        Assert.Contains("membership table", error.Message);
    }

    [Fact]
    public async Task ConnectAsync_NoGatewayOfSeveralListening_FailsNamingEach()
    {
        var ports = Orleans.Parallel.Hosting.LoopbackPorts.Reserve(2);
        var options = new ParallelClientOptions { GatewayPort = ports[0] };
        options.AdditionalGateways.Add($"127.0.0.1:{ports[1]}");

        var error = await Assert.ThrowsAsync<ClusterUnreachableException>(() => ParallelClient.ConnectAsync(options));

        Assert.Contains($"127.0.0.1:{ports[0]} (connection refused", error.Message);
        Assert.Contains($"127.0.0.1:{ports[1]} (connection refused", error.Message);
        Assert.Contains("AdditionalGateways", error.Message);
    }
}
