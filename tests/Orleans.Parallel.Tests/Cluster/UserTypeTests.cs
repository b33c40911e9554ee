using Orleans.Parallel.Views;

namespace Orleans.Parallel.Tests.Cluster;

public sealed record UtPoint(double X, double Y);

public sealed class UtNode
{
    private readonly string _secret;
    public UtNode(string name, string secret) => (Name, _secret) = (name, secret);
    public string Name { get; }
    public UtNode? Next { get; set; }
    public string Secret => _secret;
}

/// <summary>Values of the user's own types (records, classes with private fields, cycles) on the engine and back.</summary>
[Collection(ClusterCollection.Name)]
public class UserTypeTests(ClusterFixture fixture)
{
    private ParallelClient Rc => fixture.Client;

    [Fact]
    public async Task PushPull_Record_ComesBackAsTheRecord()
    {
        await Rc[0].PushAsync(new { ut_p = new UtPoint(1.5, -2) });
        Assert.Equal(new UtPoint(1.5, -2), await Rc[0].PullAsync<UtPoint>("ut_p"));
        Assert.Equal(-0.5, await Rc[0].ApplyAsync((UtPoint p) => p.X + p.Y, new Reference<UtPoint>("ut_p")));
    }

    [Fact]
    public async Task PushPull_CycleWithPrivateFields_KeepsShapeAndSecrets()
    {
        var a = new UtNode("a", "s-a");
        var b = new UtNode("b", "s-b") { Next = a };
        a.Next = b;
        await Rc[1].PushAsync(new { ut_ring = a });

        var back = await Rc[1].PullAsync<UtNode>("ut_ring");
        Assert.Equal("a", back.Name);
        Assert.Equal("s-a", back.Secret);
        Assert.Equal("s-b", back.Next!.Secret);
        Assert.Same(back, back.Next.Next);
    }

    [Fact]
    public async Task ListOfRecords_ScatterMapGather_Work()
    {
        var points = Enumerable.Range(0, 10).Select(i => new UtPoint(i, i * 2)).ToList();
        var sums = await Rc[..].MapAsync((UtPoint p) => p.X + p.Y, points);
        Assert.Equal(points.Select(p => p.X + p.Y), sums);

        await Rc[..].ScatterAsync("ut_points", points);
        Assert.Equal(points, await Rc[..].GatherAsync<UtPoint>("ut_points"));
    }

    [Fact]
    public async Task Apply_ReturnsUserType()
    {
        Assert.Equal(new UtPoint(3, 4), await Rc[2].ApplyAsync((double x) => new UtPoint(x, x + 1), 3.0));
        var list = await Rc[2].ApplyAsync(() => new List<object> { new UtPoint(1, 2), "x", 3 });
        Assert.Equal(new UtPoint(1, 2), list[0]);
    }
}
