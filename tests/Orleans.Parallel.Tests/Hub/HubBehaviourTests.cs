using Orleans.Parallel.Engine;
using Orleans.Parallel.Hub;
using TaskStatus = Orleans.Parallel.Engine.TaskStatus;

namespace Orleans.Parallel.Tests.Hub;

/// <summary>ipyparallel's hub behaviours (its test_client and test_db), ported: resubmit, history, purge and db_query.</summary>
[Collection(HubCollection.Name)]
public sealed class HubBehaviourTests(HubClusterFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private ParallelClient Rc => fixture.Client;

    private async Task<Guid[]> RunAsync(int count, string? label = null)
    {
        var lb = Rc.LoadBalancedView().With(label: label);
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            var n = i;
            var ar = lb.ApplyAsync(() => n * n);
            Assert.True(await ar.WaitAsync(Patience));
            ids.Add(ar.MsgIds[0]);
        }
        return ids.ToArray();
    }

    [Fact]
    public async Task Resubmit_KeepsTheRequest_ChangesOnlyMsgIdAndDate()
    {
        var lb = Rc.LoadBalancedView().With(label: "resubmit", retries: 1);
        var first = lb.ApplyAsync((int x) => x + 1, 41);
        Assert.Equal(42, await first);

        var again = await Rc.ResubmitAsync(first.MsgIds);

        Assert.Equal(new object?[] { 42 }, await again.AsTask().WaitAsync(Patience));
        var newId = again.MsgIds[0];
        Assert.NotEqual(first.MsgIds[0], newId);
        var records = await Rc.DbQueryAsync(TaskQuery.Where(TaskField.MsgId, QueryOperator.In, new[] { first.MsgIds[0], newId }));
        var (old, @new) = (records.Single(r => r.MsgId == first.MsgIds[0]), records.Single(r => r.MsgId == newId));
        Assert.Equal(newId, old.Resubmitted);
        Assert.Equal(old.MsgId, @new.ResubmittedFrom);
        Assert.True(@new.Submitted > old.Submitted);
        // The request itself is the same: same function, same arguments, same label and placement.
        var (oldApply, newApply) = (Assert.IsType<ApplyRequest>(old.Request), Assert.IsType<ApplyRequest>(@new.Request));
        Assert.Equal((oldApply.Function.DeclaringType, oldApply.Function.MethodName, oldApply.Function.MetadataToken),
            (newApply.Function.DeclaringType, newApply.Function.MethodName, newApply.Function.MetadataToken));
        Assert.Equal(oldApply.Args, newApply.Args);
        Assert.Equal(old.Label, @new.Label);
        Assert.Equal(old.Placement!.Retries, @new.Placement!.Retries);
        Assert.Equal(old.Placement.Targets, @new.Placement.Targets);
    }

    [Fact]
    public async Task Resubmit_FromAnotherClient_RunsTheFirstClientsFunction()
    {
        var offset = 100;
        var first = Rc.LoadBalancedView().ApplyAsync((int x) => x + offset, 1);
        Assert.Equal(101, await first);
        await using var other = await fixture.SecondClientAsync();

        var again = await other.ResubmitAsync(first.MsgIds[0]);

        Assert.Equal(101, await again.AsTask().WaitAsync(Patience));
    }

    [Fact]
    public async Task Resubmit_DirectTask_RunsOnTheSameEngineAgain()
    {
        var engine = Rc.Ids[^1];
        var first = Rc[engine].ExecuteAsync("var resubmitted_counter = 1;");
        await first;

        var again = await Rc.ResubmitAsync(first.MsgIds[0]);
        await again.AsTask().WaitAsync(Patience);

        Assert.Equal(engine, again.Metadata[0].EngineId);
        Assert.Equal(2, await Rc[engine].ApplyAsync(() => 2));
    }

    [Fact]
    public async Task Resubmit_UnknownId_FailsNamingIt_AndPendingTaskCannotBeResubmitted()
    {
        var unknown = Guid.NewGuid();
        var error = await Assert.ThrowsAsync<KeyNotFoundException>(() => Rc.ResubmitAsync([unknown]));
        Assert.Contains(unknown.ToString(), error.Message);

        var slow = Rc[0].ApplyAsync(() => { Thread.Sleep(1000); return 0; });
        var pending = await Assert.ThrowsAsync<InvalidOperationException>(() => Rc.ResubmitAsync(slow.MsgIds));
        Assert.Contains(slow.MsgIds[0].ToString(), pending.Message);
        await slow;
    }

    [Fact]
    public async Task HubHistory_ListsTasksInSubmissionOrder()
    {
        var ids = await RunAsync(5);

        var history = await Rc.HubHistoryAsync();

        Assert.Equal(ids, history.TakeLast(5));
    }

    [Fact]
    public async Task PurgeResults_One_ShortensTheHistoryByOne()
    {
        var ids = await RunAsync(3);
        var before = await Rc.HubHistoryAsync();

        Assert.Equal(1, await Rc.PurgeResultsAsync([ids[1]]));

        var after = await Rc.HubHistoryAsync();
        Assert.Equal(before.Count - 1, after.Count);
        Assert.DoesNotContain(ids[1], after);
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Rc.GetResultAsync(ids[1]));
    }

    [Fact]
    public async Task PurgeResults_PendingTask_FailsNamingIt_AndKeepsEveryRecord()
    {
        var done = (await RunAsync(1))[0];
        var slow = Rc[0].ApplyAsync(() => { Thread.Sleep(1500); return 0; });
        await RunningAsync(slow.MsgIds[0]); // the hub hears of a task once it reaches a queue or engine

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Rc.PurgeResultsAsync([done, slow.MsgIds[0]]));

        Assert.Contains(slow.MsgIds[0].ToString(), error.Message);
        var history = await Rc.HubHistoryAsync();
        Assert.Contains(done, history);
        Assert.Contains(slow.MsgIds[0], history);
        await slow;
    }

    private Task RunningAsync(Guid msgId) => Cluster.ClusterAssert.EventuallyAsync(
        async () => (await Rc.QueueStatusAsync(verbose: true)).Engines.Any(e => e.Running == msgId), $"task {msgId} runs");

    [Fact]
    public async Task PurgeAllResults_EmptiesTheHistory()
    {
        await RunAsync(3);
        Assert.True(await Rc.WaitAsync(Patience));

        await Rc.PurgeAllResultsAsync();

        Assert.Empty(await Rc.HubHistoryAsync());
    }

    [Fact]
    public async Task DbQuery_LtAndGteOnSubmitted_CoverTheWholeHistory()
    {
        var ids = await RunAsync(6);
        var middle = (await Rc.DbQueryAsync(TaskQuery.Where(TaskField.MsgId, QueryOperator.Eq, ids[3]), [TaskField.Submitted])).Single().Submitted!.Value;
        var history = await Rc.HubHistoryAsync();

        var before = await Rc.DbQueryAsync(new Dictionary<string, object?> { ["submitted"] = new Dictionary<string, object?> { ["$lt"] = middle } }, [TaskField.MsgId]);
        var from = await Rc.DbQueryAsync(new Dictionary<string, object?> { ["submitted"] = new Dictionary<string, object?> { ["$gte"] = middle } }, [TaskField.MsgId]);

        Assert.Equal(history, before.Concat(from).Select(r => r.MsgId));
        Assert.Contains(ids[2], before.Select(r => r.MsgId));
        Assert.Equal(ids[3], from[0].MsgId);
    }

    [Fact]
    public async Task DbQuery_InAndNin_SplitTheHistory()
    {
        var ids = await RunAsync(4);
        var history = await Rc.HubHistoryAsync();
        var some = new[] { ids[0], ids[2] };

        var inside = await Rc.DbQueryAsync(TaskQuery.Where(TaskField.MsgId, QueryOperator.In, some), [TaskField.MsgId]);
        var outside = await Rc.DbQueryAsync(TaskQuery.Where(TaskField.MsgId, QueryOperator.Nin, some), [TaskField.MsgId]);

        Assert.Equal(some, inside.Select(r => r.MsgId));
        Assert.Equal(history.Except(some), outside.Select(r => r.MsgId));
    }

    [Fact]
    public async Task DbQuery_ByLabel_FindsExactlyThatViewsTasks_WithOnlyTheKeysAsked()
    {
        var labelled = await RunAsync(3, label: "squares");
        await RunAsync(2, label: "other");

        var found = await Rc.DbQueryAsync(TaskQuery.Where(TaskField.Label, QueryOperator.Eq, "squares"), [TaskField.Result, TaskField.Status]);

        Assert.Equal(labelled, found.Select(r => r.MsgId));
        Assert.Equal(new object?[] { 0, 1, 4 }, found.Select(r => r.Result));
        Assert.All(found, r => { Assert.Equal(TaskStatus.Ok, r.Status); Assert.Null(r.Label); Assert.Null(r.Stdout); });
    }

    [Fact]
    public async Task DbQuery_UnknownFieldOrOperator_IsAnArgumentError_AndTheClusterStaysIntact()
    {
        var ids = await RunAsync(1);

        var field = Assert.Throws<ArgumentException>(() => TaskQuery.Parse(new Dictionary<string, object?> { ["sumbitted"] = DateTime.UtcNow }));
        Assert.Contains("sumbitted", field.Message);
        var op = await Assert.ThrowsAnyAsync<ArgumentException>(() => Rc.DbQueryAsync(new Dictionary<string, object?>
            { ["label"] = new Dictionary<string, object?> { ["$where"] = "this.label == 'x'" } }));
        Assert.Contains("$where", op.Message);
        var type = await Assert.ThrowsAnyAsync<ArgumentException>(() => Rc.DbQueryAsync(TaskQuery.Where(TaskField.Submitted, QueryOperator.Lt, "yesterday")));
        Assert.Contains("submitted", type.Message, StringComparison.OrdinalIgnoreCase);

        Assert.Equal(ids[0], (await Rc.GetResultAsync(ids[0])).MsgIds[0]);
        Assert.Equal(9, await Rc.LoadBalancedView().ApplyAsync(() => 9));
    }

    [Fact]
    public async Task QueueStatus_CountsTasksNoEngineHasTakenYet()
    {
        var lb = Rc.LoadBalancedView();
        var busy = Rc.Ids.Select(_ => lb.ApplyAsync(() => { Thread.Sleep(1500); return 0; })).ToArray();
        await Cluster.ClusterAssert.EventuallyAsync(async () => (await Rc.QueueStatusAsync()).Engines.All(e => e.Running is not null), "every engine runs a long task");
        var waiting = Enumerable.Range(0, 3).Select(_ => lb.ApplyAsync(() => 1)).ToArray();
        var waitingIds = waiting.Select(w => w.MsgIds[0]).ToArray();

        await Cluster.ClusterAssert.EventuallyAsync(async () => (await Rc.QueueStatusAsync()).UnassignedCount == 3, "three tasks wait for an engine");
        var verbose = await Rc.QueueStatusAsync(verbose: true);
        var quiet = await Rc.QueueStatusAsync([Rc.Ids[0]]);

        Assert.Equal(waitingIds.Order(), verbose.Unassigned.Order());
        Assert.Equal(busy.Select(b => b.MsgIds[0]).Order(), verbose.Engines.Select(e => e.Running!.Value).Order());
        Assert.Empty(quiet.Unassigned);
        Assert.Equal(3, quiet.UnassignedCount);
        Assert.Equal(Rc.Ids[0], Assert.Single(quiet.Engines).EngineId);
        foreach (var ar in busy.Concat(waiting)) await ar.AsTask().WaitAsync(Patience);
        Assert.Equal(0, (await Rc.QueueStatusAsync()).UnassignedCount);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Rc.QueueStatusAsync([99]));
    }
}

/// <summary>The memory store's record limit, in a cluster whose silos keep few records.</summary>
public sealed class RecordLimitTests : IClassFixture<SmallStoreFixture>
{
    private readonly SmallStoreFixture _fixture;

    public RecordLimitTests(SmallStoreFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task RecordLimit_CullsTheOldestFinishedRecords()
    {
        var rc = _fixture.Client;
        var ids = new List<Guid>();
        for (var i = 0; i < SmallStoreFixture.Limit * 2; i++)
        {
            var ar = rc[0].ApplyAsync(() => 1);
            await ar;
            ids.Add(ar.MsgIds[0]);
        }

        var history = await rc.HubHistoryAsync();

        Assert.InRange(history.Count, 1, SmallStoreFixture.Limit);
        Assert.Equal(ids.TakeLast(history.Count), history);
        await Assert.ThrowsAsync<KeyNotFoundException>(() => rc.GetResultAsync(ids[0]));
    }

    [Fact]
    public async Task ResultOverTheStoresLimit_ItsClientHasIt_AnotherClientIsToldItWasNotKept()
    {
        var rc = _fixture.Client;
        var ar = rc[0].ApplyAsync(() => new double[300_000]); // 2.4 MB, sent in bulk, over the 1 MiB kept per result
        Assert.Equal(300_000, (await ar).Length);
        await using var other = await ParallelClient.FromClusterClientAsync(_fixture.Cluster.Client);

        var again = await other.GetResultAsync(ar.MsgIds[0]);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => again.AsTask());
        Assert.Contains("was not kept", error.Message);
        Assert.Contains("2,400,000 bytes", error.Message);
    }

    [Fact]
    public async Task Resubmit_TaskWhoseArgumentsWentInBulk_FailsSayingWhy_AndRunsNothing()
    {
        var rc = _fixture.Client;
        var ar = rc[0].ApplyAsync((double[] x) => x.Length, new double[300_000]);
        Assert.Equal(300_000, await ar);
        var before = (await rc.QueueStatusAsync()).Engines.Sum(e => e.Completed);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => rc.ResubmitAsync(ar.MsgIds[0]));

        Assert.Contains("cannot be resubmitted", error.Message);
        Assert.Equal(before, (await rc.QueueStatusAsync()).Engines.Sum(e => e.Completed));
    }
}

/// <summary>The memory store's cull fraction, set on the silo as <c>--record-cull-fraction</c> sets it.</summary>
public sealed class RecordCullFractionTests
{
    [Fact]
    public async Task HalfTheLimit_IsCulledAtOnce_WhenTheLimitIsPassed()
    {
        await using var cluster = await LocalCluster.StartAsync(new Orleans.Parallel.Hosting.SiloSettings { Engines = 1, RecordLimit = 10, RecordCullFraction = 0.5 });
        var rc = cluster.Client;
        for (var i = 0; i < 11; i++) await rc[0].ApplyAsync(() => 1);

        // 11 records passed the limit of 10: the oldest finished went until 5 were left (the default would leave 9).
        await Orleans.Parallel.Tests.Cluster.ClusterAssert.EventuallyAsync(async () => (await rc.HubHistoryAsync()).Count == 5, "the store culled to half its limit");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.5)]
    public async Task AFractionOutOfRange_IsRefusedBeforeTheSiloStarts(double fraction)
    {
        var e = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            LocalCluster.StartAsync(new Orleans.Parallel.Hosting.SiloSettings { Engines = 1, RecordCullFraction = fraction }));
        Assert.Contains("cull fraction must be in (0, 1]", e.Message);
    }
}
