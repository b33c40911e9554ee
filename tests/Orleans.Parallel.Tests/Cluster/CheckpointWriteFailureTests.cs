using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Parallel.Errors;
using Orleans.Parallel.Grains;
using Orleans.Parallel.Hosting;
using Orleans.Runtime;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Orleans.Parallel.Tests.Cluster;

/// <summary>
/// A checkpoint the storage refuses: the task fails saying so, and the last checkpoint stays whole.
/// The cluster's durable storage is an in-memory store whose writes can be made to fail.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class CheckpointWriteFailureTests
{
    /// <summary>Grain storage in memory that refuses every write while <see cref="Refuse"/> is set.</summary>
    private sealed class RefusingStorage : IGrainStorage
    {
        private readonly ConcurrentDictionary<(string, GrainId), (object? State, string ETag)> _states = new();

        public volatile bool Refuse;

        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            if (_states.TryGetValue((stateName, grainId), out var stored))
                (grainState.State, grainState.ETag, grainState.RecordExists) = ((T)stored.State!, stored.ETag, true);
            return Task.CompletedTask;
        }

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            if (Refuse) throw new IOException("The store refuses writes (test).");
            var etag = Guid.NewGuid().ToString("N");
            _states[(stateName, grainId)] = (grainState.State, etag);
            (grainState.ETag, grainState.RecordExists) = (etag, true);
            return Task.CompletedTask;
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            _states.TryRemove((stateName, grainId), out _);
            (grainState.ETag, grainState.RecordExists) = (null, false);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Checkpoint_TheStoreRefuses_FailsSayingSo_AndTheLastOneStays()
    {
        var storage = new RefusingStorage();
        var builder = SecureTestCluster.Builder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddKeyedSingleton<IGrainStorage>(DurableStorage.Name, storage);
            silo.AddParallelEngines(o => o.Engines = 1);
        });
        await using var cluster = builder.Build();
        await cluster.DeployAsync();
        await using var rc = await ParallelClient.FromClusterClientAsync(cluster.Client);
        await rc.WaitForEnginesAsync(1, TimeSpan.FromSeconds(30));
        var engine = rc.Ids[0];
        await rc[engine].PushAsync(new { version = 1 });
        Assert.True((await rc[engine].CheckpointAsync()).Durable); // not Orleans' memory storage

        await rc[engine].PushAsync(new { version = 2, added = true });
        storage.Refuse = true;
        var error = await Assert.ThrowsAsync<RemoteException>(() => rc[engine].CheckpointAsync().AsTask());
        storage.Refuse = false;

        Assert.Contains($"The checkpoint of engine {engine} (2 variables", error.Message);
        Assert.Contains("could not be stored", error.Message);
        Assert.Contains("The last checkpoint, if any, is unchanged", error.Message);
        await rc[engine].ClearAsync();
        var restored = await rc[engine].RestoreAsync();
        Assert.Equal(["version"], restored.Restored);
        Assert.Equal(1, await rc[engine].PullAsync<int>("version"));
    }
}
