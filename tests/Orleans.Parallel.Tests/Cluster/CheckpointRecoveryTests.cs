using System.Diagnostics;
using Orleans.Parallel.Errors;
using Orleans.Parallel.Testing;
using Xunit.Abstractions;

namespace Orleans.Parallel.Tests.Cluster;

/// <summary>
/// A checkpoint outlives the silo: an engine's namespace is checkpointed to the silos' clustering
/// store (a real Redis server, or Azurite for Azure Table storage), its silo process is killed with
/// SIGKILL, and the id, made again on the surviving silo, restores it, the user's own types included.
/// </summary>
public abstract class CheckpointRecoveryTests(ITestOutputHelper output)
{
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    protected abstract string Clustering { get; }

    protected abstract string Connection { get; }

    /// <summary>How many doubles the checkpointed array holds.</summary>
    protected abstract int SampleCount { get; }

    protected string[] Args(string cluster) => ["--clustering", Clustering, "--clustering-connection", Connection, "--cluster-id", cluster];

    protected ParallelClientOptions Options(string cluster) => new() { Clustering = Clustering, ClusteringConnection = Connection, ClusterId = cluster };

    [Fact]
    public async Task KilledSilo_TheReplacedEngineRestoresItsCheckpoint_AndNamesWhatItCouldNot()
    {
        var cluster = $"ckpt{Guid.NewGuid():N}";
        var args = Args(cluster);
        var options = Options(cluster);
        await using var survivor = await SiloProcess.StartAsync(1, null, args);
        await using var victim = await SiloProcess.StartAsync(1, null, args);
        await using var rc = await ParallelClient.ConnectAsync(options);
        await rc.WaitForEnginesAsync(2, Patience);
        var pids = await rc[..].ApplyAsync(() => Environment.ProcessId);
        var doomed = rc.Ids[pids.ToList().IndexOf(victim.ProcessId)];

        var samples = Enumerable.Range(0, SampleCount).Select(i => i * 0.5).ToArray();
        await rc[doomed].PushAsync(new Dictionary<string, object?>
        {
            ["count"] = 7,
            ["samples"] = samples,
            ["path"] = new List<CheckpointPoint> { new(0, 0), new(6, 8) },
        });
        await rc[doomed].ExecuteAsync("class Local { public int A = 3; } var local = new Local();");
        var clock = Stopwatch.StartNew();
        var saved = await rc[doomed].CheckpointAsync().AsTask().WaitAsync(Patience);
        output.WriteLine($"checkpoint of {saved.Saved.Count} variables, {saved.Bytes:N0} bytes, to {Clustering}: {clock.Elapsed.TotalSeconds:F2} s");
        Assert.True(saved.Durable);
        Assert.Equal(["count", "path", "samples"], saved.Saved);
        Assert.Equal(["local"], saved.NotSaved.Keys);

        victim.Kill();
        await ClusterAssert.EventuallyAsync(() => !rc.Ids.Contains(doomed), "the killed silo's engine left Ids", Patience);
        Assert.Throws<EngineException>(() => rc[doomed]);

        // Replaced and restored by a client that connects only now (a notebook restarted after the
        // death): it learns from the registry that the id left, and the user's types come from the
        // cluster's assembly store.
        await using var later = await ParallelClient.ConnectAsync(options);
        await later.WaitForEnginesAsync(1, Patience);
        Assert.Contains("has left the cluster", Assert.Throws<EngineException>(() => later[doomed]).Message);
        await later.ReplaceEngineAsync(doomed);
        Assert.Equal(survivor.ProcessId, await later[doomed].ApplyAsync(() => Environment.ProcessId));
        await ClusterAssert.EventuallyAsync(() => rc.Ids.Contains(doomed), "the first client sees the replaced engine", Patience);
        clock.Restart();
        var restored = await later[doomed].RestoreAsync().AsTask().WaitAsync(Patience);
        output.WriteLine($"restore: {clock.Elapsed.TotalSeconds:F2} s");

        Assert.Equal(["count", "path", "samples"], restored.Restored);
        Assert.Equal(["local"], restored.NotRestored.Keys);
        Assert.Contains("declared by a script", restored.NotRestored["local"]);
        Assert.Equal(7, await later[doomed].PullAsync<int>("count"));
        Assert.Equal(samples, await later[doomed].PullAsync<double[]>("samples"));
        Assert.Equal([new(0, 0), new(6, 8)], await later[doomed].PullAsync<List<CheckpointPoint>>("path"));
        Assert.Equal(10.0, await later[doomed].ApplyAsync((List<CheckpointPoint> p) => Math.Sqrt(p[1].X * p[1].X + p[1].Y * p[1].Y),
            new Orleans.Parallel.Views.Reference<List<CheckpointPoint>>("path")));
    }
}

/// <summary>Checkpoints in Redis.</summary>
public sealed class RedisCheckpointRecoveryTests(RedisServer redis, ITestOutputHelper output) : CheckpointRecoveryTests(output), IClassFixture<RedisServer>
{
    protected override string Clustering => ClusterMembership.Redis;
    protected override string Connection => redis.Connection;
    protected override int SampleCount => 1_000_000;
}

/// <summary>Checkpoints in Azure Table storage (Azurite), 8 MB too: the store takes about 1 MB per grain, so checkpoints and assemblies are kept in pieces.</summary>
public sealed class AzureCheckpointRecoveryTests(AzuriteServer azurite, ITestOutputHelper output) : CheckpointRecoveryTests(output), IClassFixture<AzuriteServer>
{
    protected override string Clustering => ClusterMembership.Azure;
    protected override string Connection => azurite.ConnectionString;
    protected override int SampleCount => 1_000_000;
}
