using Orleans.Configuration;
using Orleans.Parallel.Hosting;

namespace Orleans.Parallel.Tests.Cluster;

/// <summary>
/// One broadcast brings back the replies of all the engines it reached on a silo, in one message.
/// Results that each fit a message but not together come back all the same: those past the budget
/// follow one by one. Orleans would otherwise lose the whole answer in its send loop (the caller
/// waits out the 30 s response timeout, the connection closes). A cluster of its own, with Orleans'
/// message limit at 16 MiB, so that the results are megabytes, not hundreds of them.
/// </summary>
[Collection(ClusterCollection.Name)] // not in parallel with the shared cluster's tests: the machine has two cores
public sealed class BroadcastReplySizeTests
{
    private const int Limit = 16 * 1024 * 1024; // room for the test assembly, which travels to the silo with the first function

    [Fact]
    public async Task Broadcast_ResultsThatFitAloneButNotTogether_AllArrive()
    {
        var builder = SecureTestCluster.Builder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Configure<SiloMessagingOptions>(o => o.MaxMessageBodySize = Limit);
            silo.AddParallelEngines(o => (o.Engines, o.WarmUpScripts) = (3, false));
        });
        builder.ConfigureClient(client => client.Configure<ClientMessagingOptions>(o => o.MaxMessageBodySize = Limit));
        await using var cluster = builder.Build();
        await cluster.DeployAsync();
        await using var rc = await ParallelClient.FromClusterClientAsync(cluster.Client);
        await rc.WaitForEnginesAsync(3, TimeSpan.FromSeconds(30));

        // 6 million characters: at least 6 MB each in a message, under the 16 MiB limit; the three
        // engines' replies together are over it.
        const int Length = 6_000_000;
        var results = await rc[..].ApplyAsync(() => new string('b', Length)).AsTask().WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(3, results.Count);
        Assert.All(results, r => Assert.Equal(Length, r.Length));
        // Pulls gather the same way; and the connection lives on.
        await rc[..].PushAsync(new { brs_text = new string('p', Length) });
        Assert.All(await rc[..].PullAsync<string>("brs_text").AsTask().WaitAsync(TimeSpan.FromSeconds(20)), r => Assert.Equal(Length, r.Length));
        Assert.Equal([7, 7, 7], await rc[..].ApplyAsync(() => 7));
    }
}
