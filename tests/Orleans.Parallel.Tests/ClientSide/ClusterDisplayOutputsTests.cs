using Orleans.Parallel.Tests.Cluster;

namespace Orleans.Parallel.Tests.ClientSide;

/// <summary>DisplayOutputs of real tasks: what each engine printed, under its engine's label.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterDisplayOutputsTests(ClusterFixture fixture)
{
    private ParallelClient Rc => fixture.Client;

    [Fact]
    public async Task Execute_OnEveryEngine_ShowsEachEnginesStdoutAndStderr()
    {
        var ar = Rc[..].ExecuteAsync("Console.Write(\"hi\\n\"); Console.Error.Write(\"careful\\n\");");
        await ar;

        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        ar.DisplayOutputs(stdout, stderr);

        var ids = ar.Metadata.Select(m => m.EngineId).ToArray();
        var nl = Environment.NewLine;
        Assert.Equal(string.Concat(ids.Select(id => $"[stdout:{id}]{nl}hi\n")), stdout.ToString());
        Assert.Equal(string.Concat(ids.Select(id => $"[stderr:{id}]{nl}careful\n")), stderr.ToString());
    }

    [Fact]
    public async Task Apply_OnOneEngine_ShowsItsTextUnlabelled()
    {
        var ar = Rc[2].ApplyAsync(() => { Console.WriteLine("from two"); return 2; });
        await ar;

        using var stdout = new StringWriter();
        ar.DisplayOutputs(stdout);
        Assert.Equal("from two" + Environment.NewLine, stdout.ToString());
    }
}
