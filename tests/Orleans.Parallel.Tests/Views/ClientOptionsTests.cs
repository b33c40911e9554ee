namespace Orleans.Parallel.Tests.Views;

/// <summary><see cref="ParallelClient.ConnectAsync"/> checks its options before it tries to connect (its failures to connect: <c>Cluster/ConnectFailureTests</c>).</summary>
public sealed class ClientOptionsTests
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
}
