using Orleans.Parallel.Errors;
using Orleans.Parallel.Hosting;
using Orleans.TestingHost;

namespace Orleans.Parallel.Tests.Cluster;

/// <summary>A type of the user's own, written by the graph codec (Orleans has no codec for it).</summary>
public sealed record CheckpointPoint(double X, double Y);

/// <summary>A small cluster of its own for <see cref="CheckpointTests"/>: they clear and interrupt engines.</summary>
public class CheckpointCluster : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; private set; } = null!;
    public ParallelClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = SecureTestCluster.Builder(1);
        builder.ConfigureSilo((_, silo) => silo.AddParallelEngines(o =>
        {
            o.Engines = 2;
            ConfigureEngines(o);
        }));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        Client = await ParallelClient.FromClusterClientAsync(Cluster.Client);
        await Client.WaitForEnginesAsync(2, TimeSpan.FromSeconds(30));
    }

    /// <summary>Engine options beyond the count; nothing here (engines in the silo process).</summary>
    protected virtual void ConfigureEngines(EngineOptions options) { }

    public async Task DisposeAsync()
    {
        await Client.DisposeAsync();
        await Cluster.DisposeAsync();
    }
}

/// <summary>
/// CheckpointAsync and RestoreAsync in one silo (Orleans' memory storage): what is stored, what is
/// named as not stored, restoring into an emptied or a new incarnation of an engine, or from another
/// engine's checkpoint, and the refused cases. Killing a silo is <see cref="CheckpointRecoveryTests"/>.
/// </summary>
[Collection(ClusterCollection.Name)]
public class CheckpointTests(CheckpointCluster fixture) : IClassFixture<CheckpointCluster>
{
    private ParallelClient Rc => fixture.Client;

    private int Live(int index) => Rc.Ids[index];

    private async Task FillAsync(int engine)
    {
        await Rc[engine].ClearAsync();
        await Rc[engine].PushAsync(new Dictionary<string, object?>
        {
            ["count"] = 42,
            ["name"] = "ada",
            ["samples"] = new[] { 1.5, 2.5, 3.5 },
            ["words"] = new List<string> { "x", "y" },
            ["table"] = new Dictionary<string, int> { ["a"] = 1, ["b"] = 2 },
            ["point"] = new CheckpointPoint(1, 2),
            ["path"] = new List<CheckpointPoint> { new(0, 0), new(3, 4) },
            ["nothing"] = null,
        });
        await Rc[engine].ExecuteAsync("class Local { public int A = 3; } var local = new Local(); Func<int, int> twice = x => 2 * x; var pending = Task.Delay(1);");
    }

    private static readonly string[] Storable = ["count", "name", "nothing", "path", "point", "samples", "table", "words"];
    private static readonly string[] Unstorable = ["local", "pending", "twice"];

    private async Task AssertStorableAsync(int engine)
    {
        var view = Rc[engine];
        Assert.Equal(42, await view.PullAsync<int>("count"));
        Assert.Equal("ada", await view.PullAsync<string>("name"));
        Assert.Equal(new[] { 1.5, 2.5, 3.5 }, await view.PullAsync<double[]>("samples"));
        Assert.Equal(["x", "y"], await view.PullAsync<List<string>>("words"));
        Assert.Equal(new Dictionary<string, int> { ["a"] = 1, ["b"] = 2 }, await view.PullAsync<Dictionary<string, int>>("table"));
        Assert.Equal(new CheckpointPoint(1, 2), await view.PullAsync<CheckpointPoint>("point"));
        Assert.Equal([new(0, 0), new(3, 4)], await view.PullAsync<List<CheckpointPoint>>("path"));
        Assert.Null(await view.PullAsync<object?>("nothing"));
        // Restored values are live values: a function uses them as before.
        Assert.Equal(5.0, await view.ApplyAsync((List<CheckpointPoint> p) => Math.Sqrt(p[1].X * p[1].X + p[1].Y * p[1].Y), new Orleans.Parallel.Views.Reference<List<CheckpointPoint>>("path")));
    }

    [Fact]
    public async Task Checkpoint_ThenClear_RestoreBringsBackEveryStorableVariable_AndNamesTheOthers()
    {
        var engine = Live(0);
        await FillAsync(engine);

        var saved = await Rc[engine].CheckpointAsync();

        Assert.Equal(engine, saved.EngineId);
        Assert.Equal(Storable, saved.Saved);
        Assert.Equal(Unstorable, saved.NotSaved.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("declared by a script", saved.NotSaved["local"]);
        Assert.Contains("only in the engine's process", saved.NotSaved["pending"]);
        Assert.True(saved.Bytes > 0);
        Assert.False(saved.Durable); // memory storage: this cluster has no Redis or Azure store

        await Rc[engine].ClearAsync();
        await Rc[engine].PushAsync(new { kept = 9, count = -1 });
        var restored = await Rc[engine].RestoreAsync();

        Assert.Equal(engine, restored.FromEngineId);
        Assert.Equal(saved.Taken, restored.Taken);
        Assert.Equal(Storable, restored.Restored);
        Assert.Equal(Unstorable, restored.NotRestored.Keys.Order(StringComparer.Ordinal));
        await AssertStorableAsync(engine);
        Assert.Equal(9, await Rc[engine].PullAsync<int>("kept")); // variables the checkpoint does not name stay
        await Assert.ThrowsAsync<RemoteException>(() => Rc[engine].PullAsync<object>("local").AsTask());
    }

    [Fact]
    public async Task Restore_IntoANewIncarnation_AfterInterrupt()
    {
        var engine = Live(1);
        await FillAsync(engine);
        await Rc[engine].CheckpointAsync();

        await Rc.InterruptAsync(engine); // the engine is made again, empty
        await Assert.ThrowsAsync<RemoteException>(() => Rc[engine].PullAsync<int>("count").AsTask());
        var restored = await Rc[engine].RestoreAsync();

        Assert.Equal(Storable, restored.Restored);
        await AssertStorableAsync(engine);
    }

    [Fact]
    public async Task Restore_FromAnotherEnginesCheckpoint_CopiesItsNamespace()
    {
        var (source, target) = (Live(0), Live(1));
        await FillAsync(source);
        await Rc[source].CheckpointAsync();
        await Rc[target].ClearAsync();

        var restored = await Rc[target].RestoreAsync(fromEngineId: source);

        Assert.Equal((target, source), (restored.EngineId, restored.FromEngineId));
        await AssertStorableAsync(target);
    }

    [Fact]
    public async Task Checkpoint_Again_ReplacesTheLastOne()
    {
        var engine = Live(0);
        await Rc[engine].ClearAsync();
        await Rc[engine].PushAsync(new { version = 1, first = true });
        await Rc[engine].CheckpointAsync();
        await Rc[engine].ClearAsync();
        await Rc[engine].PushAsync(new { version = 2 });
        await Rc[..].CheckpointAsync(); // a view checkpoints every engine

        await Rc[engine].ClearAsync();
        var restored = await Rc[engine].RestoreAsync();

        Assert.Equal(["version"], restored.Restored);
        Assert.Equal(2, await Rc[engine].PullAsync<int>("version"));
    }

    [Fact]
    public async Task Restore_IdWithoutCheckpoint_FailsNamingIt_AndLeavesTheNamespace()
    {
        var engine = Live(1);
        await Rc[engine].PushAsync(new { untouched = 5 });

        var error = await Assert.ThrowsAsync<RemoteException>(() => Rc[engine].RestoreAsync(fromEngineId: 9_999).AsTask());

        Assert.Contains("Engine 9999 has no checkpoint", error.Message);
        Assert.Equal(5, await Rc[engine].PullAsync<int>("untouched"));
    }

    [Fact]
    public async Task Restore_NegativeEngineId_IsRefusedBeforeAnythingIsSent()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Rc[..].RestoreAsync(fromEngineId: -1));
        Assert.Equal("fromEngineId", error.ParamName);
    }
}
