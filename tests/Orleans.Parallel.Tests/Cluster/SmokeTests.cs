namespace Orleans.Parallel.Tests.Cluster;

[Collection(ClusterCollection.Name)]
public sealed class SmokeTests(ClusterFixture fixture)
{
    private ParallelClient Rc => fixture.Client;

    [Fact]
    public async Task Execute_ThenPull_GivesValueFromEachEngine()
    {
        var all = Rc[..];
        await all.ExecuteAsync("var smoke_a = 5;");
        var values = await all.PullAsync<int>("smoke_a");
        Assert.Equal(Enumerable.Repeat(5, ClusterFixture.EngineCount), values);
    }

    [Fact]
    public async Task Apply_WithClosure_RunsOnEachEngine()
    {
        var offset = 10;
        var results = await Rc[..].ApplyAsync((int x) => x + offset, 32);
        Assert.Equal(Enumerable.Repeat(42, ClusterFixture.EngineCount), results);
    }
}
