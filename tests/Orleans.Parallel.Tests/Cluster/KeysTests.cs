using Orleans.Parallel.Engine;

namespace Orleans.Parallel.Tests.Cluster;

/// <summary>Listing a namespace: <c>KeysAsync</c> (ipyparallel's <c>dv.keys()</c>) and <c>VariablesAsync</c> (names with their values' types, for <c>%who</c>).</summary>
[Collection(ClusterCollection.Name)]
public class KeysTests(ClusterFixture fixture)
{
    private ParallelClient Rc => fixture.Client;

    [Fact]
    public async Task Keys_ListsEachEnginesOwnNames_SortedInTargetOrder()
    {
        var view = Rc[new[] { 1, 0 }];
        await view.ClearAsync();
        await Rc[0].PushAsync(new { zeta = 1, alpha = "a" });
        await Rc[1].ExecuteAsync("var only1 = 2.5;");

        var keys = await view.KeysAsync();

        Assert.Equal(2, keys.Count);
        Assert.Equal(["only1"], keys[0]);
        Assert.Equal(["alpha", "zeta"], keys[1]);
        Assert.Equal(["alpha", "zeta"], Rc[0].KeysSync());
        Assert.Equal(["alpha", "zeta"], Rc[0].With(block: true).Keys().Get(TimeSpan.Zero));
    }

    [Fact]
    public async Task Keys_OfAnEmptyNamespace_IsEmpty_AndEveryNewNameAppears()
    {
        var engine = Rc[2];
        await engine.ClearAsync();
        Assert.Empty(await engine.KeysAsync());

        for (var i = 0; i < 5; i++) await engine.ExecuteAsync($"var v{i} = {i};");

        Assert.Equal(["v0", "v1", "v2", "v3", "v4"], await engine.KeysAsync());
    }

    [Fact]
    public async Task Variables_NameEachValuesTypeAsCSharpWritesIt()
    {
        var engine = Rc[3];
        await engine.ClearAsync();
        await engine.PushAsync(new Dictionary<string, object?>
        {
            ["n"] = 3,
            ["samples"] = new double[] { 1, 2 },
            ["grid"] = new int[2, 2],
            ["words"] = new List<string> { "x" },
            ["lookup"] = new Dictionary<string, int[]>(),
            ["nothing"] = null,
        });
        await engine.ExecuteAsync("record Point(int X, int Y); var p = new Point(1, 2); var text = \"t\";");

        var variables = await engine.VariablesAsync();

        Assert.Equal(
            [
                new NamespaceVariable("grid", "int[,]"),
                new NamespaceVariable("lookup", "Dictionary<string, int[]>"),
                new NamespaceVariable("n", "int"),
                new NamespaceVariable("nothing", "null"),
                new NamespaceVariable("p", "Point"),
                new NamespaceVariable("samples", "double[]"),
                new NamespaceVariable("text", "string"),
                new NamespaceVariable("words", "List<string>"),
            ],
            variables);
        var perEngine = await Rc[new[] { 3 }].VariablesAsync();
        Assert.Equal(variables, Assert.Single(perEngine));
    }
}
