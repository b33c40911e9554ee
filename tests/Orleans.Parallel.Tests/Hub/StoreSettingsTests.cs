using Orleans.Parallel.Hosting;
using Orleans.Parallel.Hub;

namespace Orleans.Parallel.Tests.Hub;

/// <summary>The silo's task-store settings: bad ones fail before the silo starts; "none" keeps no records and says so when asked.</summary>
public sealed class StoreSettingsTests
{
    [Fact]
    public async Task TaskStoreNone_TasksRun_AndHubQuestionsFailSayingHowToKeepRecords()
    {
        await using var cluster = await LocalCluster.StartAsync(new SiloSettings { Engines = 1, TaskStore = "none", SiloPort = 11181, GatewayPort = 30081 });
        var rc = cluster.Client;
        var ar = rc.LoadBalancedView().ApplyAsync(() => 5);
        Assert.Equal(5, await ar);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => rc.HubHistoryAsync());
        Assert.Contains("--task-store memory", error.Message);
        await Assert.ThrowsAsync<InvalidOperationException>(() => rc.GetResultAsync(Guid.NewGuid()));
        Assert.Equal(6, await rc[0].ApplyAsync(() => 6));
    }

    [Theory]
    [InlineData("sqlite", null, "Unknown task store 'sqlite'")]
    [InlineData("postgres", null, "connection string")]
    public async Task BadTaskStoreSettings_FailBeforeStarting_NamingTheSetting(string kind, string? connection, string expected)
    {
        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() =>
            LocalCluster.StartAsync(new SiloSettings { Engines = 1, TaskStore = kind, TaskStoreConnection = connection, SiloPort = 11182, GatewayPort = 30082 }));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public async Task BadQueries_AreArgumentErrors_OnTheClient_BeforeAnythingIsSent()
    {
        await using var cluster = await LocalCluster.StartAsync(new SiloSettings { Engines = 1, SiloPort = 11183, GatewayPort = 30083 });
        var rc = cluster.Client;

        await Assert.ThrowsAsync<ArgumentNullException>(() => rc.DbQueryAsync((TaskQuery)null!));
        await Assert.ThrowsAsync<ArgumentException>(() => rc.GetResultAsync(Array.Empty<Guid>()));
        await Assert.ThrowsAsync<ArgumentException>(() => rc.PurgeResultsAsync([]));
        var unknownKey = await Assert.ThrowsAnyAsync<ArgumentException>(() => rc.DbQueryAsync(TaskQuery.All, [(TaskField)42]));
        Assert.Contains("42", unknownKey.Message);
        Assert.Equal(1, await rc[0].ApplyAsync(() => 1));
    }
}
