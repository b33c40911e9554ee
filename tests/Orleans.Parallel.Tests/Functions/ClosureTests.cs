using Orleans.Parallel.Tests.Cluster;

namespace Orleans.Parallel.Tests.Functions;

/// <summary>What a lambda's closure carries to the engine: only what the lambda uses, cycles included.</summary>
[Collection(ClusterCollection.Name)]
public class ClosureTests(ClusterFixture fixture)
{
    private ParallelClient Rc => fixture.Client;

    [Fact]
    public async Task Lambda_SharingScopeWithLambdaThatCapturesClient_ShipsOnlyItsOwnCaptures()
    {
        var blob = new byte[] { 1, 2, 3 };
        Func<int, int> lookup = i => blob[i];
        // This lambda shares the closure object with `lookup` and captures both the client and `lookup`;
        // neither may travel with `lookup`.
        Func<int> local = () => Rc.Ids.Count + lookup(0);
        Assert.Equal(3, await Rc[0].ApplyAsync(lookup, 2));
        Assert.Equal(ClusterFixture.EngineCount + 1, local());
    }

    [Fact]
    public async Task RecursiveLambda_CapturingItself_RunsOnEngine()
    {
        Func<int, long>? fib = null;
        fib = n => n < 2 ? n : fib!(n - 1) + fib!(n - 2);
        Assert.Equal(6765L, await Rc[1].ApplyAsync(fib, 20));
    }

    [Fact]
    public async Task NestedScopes_CapturesFromOuterAndInnerScope_BothArrive()
    {
        var outer = 100;
        var results = new List<Func<int, int>>();
        for (var i = 0; i < 3; i++)
        {
            var inner = i;
            results.Add(x => x + outer + inner);
        }
        var values = await Task.WhenAll(results.Select(f => Rc[0].ApplyAsync(f, 1).AsTask()));
        Assert.Equal(new[] { 101, 102, 103 }, values);
    }

    [Fact]
    public void CapturedStream_UsedByLambda_FailsOnClientNamingField()
    {
        using var stream = new MemoryStream();
        Func<long> length = () => stream.Length;
        var error = Assert.Throws<ArgumentException>(() => Rc[0].ApplyAsync(length));
        Assert.Contains("stream", error.Message);
        Assert.Contains(typeof(MemoryStream).FullName!, error.Message);
    }
}
