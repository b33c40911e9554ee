using Orleans.Parallel.Views;

namespace Orleans.Parallel.Tests.Cluster;

/// <summary>
/// Tasks one client submits to one engine run in the order it submitted them, as in ipyparallel, so that
/// <c>PushAsync(x)</c> followed at once by <c>ExecuteAsync("use x")</c> works without awaiting in between.
/// </summary>
[Collection(ClusterCollection.Name)]
public class OrderingTests(ClusterFixture fixture)
{
    private ParallelClient Rc => fixture.Client;

    [Fact]
    public async Task Submissions_ManyToOneEngineWithoutAwaiting_RunInSubmissionOrder()
    {
        await Rc[1].PushAsync(new { ord_log = new List<int>() });

        var results = Enumerable.Range(0, 100)
            .Select(i => Rc[1].ApplyAsync((List<int> log, int value) => { log.Add(value); return value; }, new Reference<List<int>>("ord_log"), i))
            .ToArray();
        foreach (var result in results) await result;

        Assert.Equal(Enumerable.Range(0, 100), await Rc[1].PullAsync<List<int>>("ord_log"));
    }

    [Fact]
    public async Task Submissions_MixedOperationsToAllEnginesWithoutAwaiting_RunInSubmissionOrder()
    {
        var all = Rc[..];
        var steps = new List<Results.AsyncResult>
        {
            all.PushAsync(new { ord_mixed = new List<string>() }),
            all.ExecuteAsync("ord_mixed.Add(\"execute\");"),
            all.ApplyAsync((List<string> l) => { l.Add("apply"); return l.Count; }, new Reference<List<string>>("ord_mixed")),
            all.ScatterAsync("ord_part", new[] { 1, 2, 3, 4 }),
            all.ExecuteAsync("ord_mixed.Add(\"scattered \" + ord_part.Length);"),
        };
        foreach (var step in steps) await step;

        Assert.All(await all.PullAsync<List<string>>("ord_mixed"), log => Assert.Equal(["execute", "apply", "scattered 1"], log));
    }

    [Fact]
    public async Task Submissions_ApplyWaitingForUploadThenExecute_RunInSubmissionOrder()
    {
        // A new client has uploaded nothing yet, so its first Apply waits for the upload check before it is sent.
        await using var fresh = await ParallelClient.FromClusterClientAsync(fixture.Cluster.Client);
        await fresh[2].PushAsync(new { ord_upload_log = new List<string>() });

        var apply = fresh[2].ApplyAsync((List<string> log) => { log.Add("apply"); return log.Count; }, new Reference<List<string>>("ord_upload_log"));
        var execute = fresh[2].ExecuteAsync("ord_upload_log.Add(\"execute\");");
        await apply;
        await execute;

        Assert.Equal(["apply", "execute"], await fresh[2].PullAsync<List<string>>("ord_upload_log"));
        Assert.True(apply.Metadata[0].Started <= execute.Metadata[0].Started);
    }
}
