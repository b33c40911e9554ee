using Orleans.Parallel.Engine;
using Orleans.Parallel.Hub;
using TaskStatus = Orleans.Parallel.Engine.TaskStatus;

namespace Orleans.Parallel.Tests.Hub;

/// <summary>
/// Every task has a record in the hub, which any client can come back to: results by msg id from
/// another client (finished or still running), result status, and the record's fields.
/// </summary>
[Collection(HubCollection.Name)]
public sealed class TaskRecordTests(HubClusterFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private ParallelClient Rc => fixture.Client;

    [Fact]
    public async Task GetResultAsync_FromAnotherClient_FinishedBalancedTask_GivesItsValueAndMetadata()
    {
        var ar = Rc.LoadBalancedView().ApplyAsync(() => { Console.Write("hello"); return 6 * 7; });
        Assert.Equal(42, await ar);
        await using var other = await fixture.SecondClientAsync();

        var again = await other.GetResultAsync(ar.MsgIds[0]);

        Assert.True(await again.WaitAsync(Patience));
        Assert.Equal(42, again.Get());
        var meta = again.Metadata[0];
        Assert.Equal(ar.MsgIds[0], meta.MsgId);
        Assert.Equal(ar.Metadata[0].EngineId, meta.EngineId);
        Assert.Equal(TaskStatus.Ok, meta.Status);
        Assert.Equal("hello", meta.Stdout);
        Assert.NotNull(meta.Started);
        Assert.NotNull(meta.Completed);
    }

    [Fact]
    public async Task GetResultAsync_FromAnotherClient_PendingTask_CompletesWhenTheTaskEnds()
    {
        var ar = Rc.LoadBalancedView().ApplyAsync(() => { Thread.Sleep(1500); return "late"; });
        await Cluster.ClusterAssert.EventuallyAsync( // the hub hears of a task once it reaches a queue or engine
            async () => (await Rc.QueueStatusAsync(verbose: true)).Engines.Any(e => e.Running == ar.MsgIds[0]), "the task runs");
        await using var other = await fixture.SecondClientAsync();

        var again = await other.GetResultAsync(ar.MsgIds[0]);

        Assert.False(again.Ready, "the task takes 1.5 s; its record is still pending");
        Assert.Equal("late", await again.AsTask().WaitAsync(Patience));
        Assert.Equal("late", await ar);
    }

    [Fact]
    public async Task GetResultAsync_OwnOutstandingTask_GivesTheLiveResult()
    {
        var ar = Rc[0].ApplyAsync(() => { Thread.Sleep(200); return 5; });

        var again = await Rc.GetResultAsync(ar.MsgIds[0]);

        Assert.Equal(5, await again.AsTask().WaitAsync(Patience));
    }

    [Fact]
    public async Task GetResultAsync_Several_ListsValuesInTheOrderAsked_AndCarriesErrors()
    {
        var a = await WaitedAsync(Rc[0].ApplyAsync(() => 1));
        var b = await WaitedAsync(Rc[1].ApplyAsync(() => "two"));
        var bad = await WaitedAsync(Rc[1].ApplyAsync(Boom));
        await using var other = await fixture.SecondClientAsync();

        var both = await other.GetResultAsync([b, a]);
        Assert.Equal(new object?[] { "two", 1 }, await both.AsTask().WaitAsync(Patience));

        var failed = await other.GetResultAsync(bad);
        var error = await Assert.ThrowsAsync<Errors.RemoteException>(() => failed.AsTask());
        Assert.Contains("boom", error.Message);
    }

    [Fact]
    public async Task GetResultAsync_UnknownId_FailsNamingIt()
    {
        var unknown = Guid.NewGuid();

        var error = await Assert.ThrowsAsync<KeyNotFoundException>(() => Rc.GetResultAsync(unknown));

        Assert.Contains(unknown.ToString(), error.Message);
    }

    [Fact]
    public async Task ResultStatusAsync_SplitsPendingFromCompleted()
    {
        var done = await WaitedAsync(Rc[0].ApplyAsync(() => 1));
        var slow = Rc[1].ApplyAsync(() => { Thread.Sleep(1500); return 2; });

        var status = await Rc.ResultStatusAsync([done, slow.MsgIds[0]]);

        Assert.Equal([done], status.Completed);
        Assert.Equal([slow.MsgIds[0]], status.Pending);
        await slow;
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Rc.ResultStatusAsync([Guid.NewGuid()]));
    }

    [Fact]
    public async Task Record_DirectTaskOnEachEngine_HasEngineTimesOutputAndLabel()
    {
        var ar = Rc[..].With(label: "direct-fields").ExecuteAsync("System.Console.Write(\"out\"); System.Console.Error.Write(\"err\");");
        await ar;

        var records = await Rc.DbQueryAsync(TaskQuery.Where(TaskField.Label, QueryOperator.Eq, "direct-fields"));

        Assert.Equal(ar.MsgIds, records.Select(r => r.MsgId));
        Assert.Equal(Rc.Ids, records.Select(r => r.EngineId));
        Assert.All(records, r =>
        {
            Assert.Equal(TaskStatus.Ok, r.Status);
            Assert.Equal(Rc.SessionId, r.SessionId);
            Assert.False(r.Balanced);
            Assert.Equal("out", r.Stdout);
            Assert.Equal("err", r.Stderr);
            Assert.IsType<ExecuteRequest>(r.Request);
            Assert.True(r.Submitted <= r.Started && r.Started <= r.Completed && r.Completed <= r.Received,
                $"times in order: submitted {r.Submitted:O}, started {r.Started:O}, completed {r.Completed:O}, received {r.Received:O}");
        });
    }

    [Fact]
    public async Task Record_BalancedTask_KeepsItsPlacementAndResult()
    {
        var ar = Rc.LoadBalancedView().With(retries: 2, label: "lb-fields").ApplyAsync(() => new[] { 1.5, 2.5 });
        await ar;

        var record = Assert.Single(await Rc.DbQueryAsync(TaskQuery.Where(TaskField.Label, QueryOperator.Eq, "lb-fields")));

        Assert.True(record.Balanced);
        Assert.Equal(2, record.Placement!.Retries);
        Assert.Equal(new[] { 1.5, 2.5 }, Assert.IsType<double[]>(record.Result));
        Assert.Equal(ar.Metadata[0].EngineId, record.EngineId);
    }

    private static int Boom() => throw new InvalidOperationException("boom");

    private static async Task<Guid> WaitedAsync(Results.AsyncResult ar)
    {
        Assert.True(await ar.WaitAsync(Patience));
        return ar.MsgIds[0];
    }
}
