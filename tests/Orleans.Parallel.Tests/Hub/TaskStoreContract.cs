using Orleans.Parallel.Engine;
using Orleans.Parallel.Grains.Hub.Store;
using Orleans.Parallel.Hub;
using Orleans.Parallel.Scheduling;
using TaskStatus = Orleans.Parallel.Engine.TaskStatus;

namespace Orleans.Parallel.Tests.Hub;

/// <summary>
/// What every task store must do, run against each store (memory, PostgreSQL) by a class that
/// derives from this one and says how to make a fresh, empty store.
/// </summary>
public abstract class TaskStoreContract
{
    /// <summary>Whole milliseconds, since a store may keep only microseconds (PostgreSQL does).</summary>
    private static readonly DateTime T0 = new(2026, 3, 4, 5, 6, 7, 250, DateTimeKind.Utc);

    /// <summary>A new store holding no records.</summary>
    protected abstract Task<ITaskStore> CreateStoreAsync();

    private static DateTime At(int seconds) => T0.AddSeconds(seconds);

    /// <summary>A finished task submitted at <see cref="T0"/> plus <paramref name="i"/> seconds, run on engine <c>i % 4</c>.</summary>
    private static TaskRecord Done(int i, string? label = null, TaskStatus status = TaskStatus.Ok) => new()
    {
        MsgId = Guid.NewGuid(),
        EngineId = i % 4,
        Submitted = At(i),
        Started = At(i).AddMilliseconds(100),
        Completed = At(i).AddMilliseconds(200),
        Received = At(i).AddMilliseconds(300),
        Status = status,
        Label = label,
        Result = i,
    };

    /// <summary>A task submitted at <see cref="T0"/> plus <paramref name="i"/> seconds that has not run.</summary>
    private static TaskRecord Pending(int i) => new() { MsgId = Guid.NewGuid(), Submitted = At(i) };

    /// <summary>A store holding <paramref name="records"/>, saved in a shuffled order, one call each.</summary>
    private async Task<ITaskStore> StoreWithAsync(params TaskRecord[] records)
    {
        var store = await CreateStoreAsync();
        foreach (var record in records.OrderBy(r => r.MsgId)) await store.SaveAsync([record]);
        return store;
    }

    private static async Task<Guid[]> IdsAsync(ITaskStore store, TaskQuery query) =>
        (await store.QueryAsync(query)).Select(r => r.MsgId).ToArray();

    private static Guid[] Ids(IEnumerable<TaskRecord> records) => records.Select(r => r.MsgId).ToArray();

    [Fact]
    public async Task SaveThenGet_EveryField_RoundTrips()
    {
        var store = await CreateStoreAsync();
        var error = new RemoteError("System.InvalidOperationException", "bad", "at X()", [new CompilerDiagnostic("CS0103", "Error", 1, 2, "no x")]);
        var placement = new TaskPlacement([1, 2], [3], 2, TimeSpan.FromSeconds(5), null);
        var full = new TaskRecord
        {
            MsgId = Guid.NewGuid(),
            EngineId = 3,
            Submitted = At(0),
            Started = At(1),
            Completed = At(2),
            Received = At(3),
            Status = TaskStatus.Error,
            Label = "label",
            SessionId = Guid.NewGuid(),
            Request = new ExecuteRequest("x"),
            Placement = placement,
            Result = 42,
            Error = error,
            Stdout = "out",
            Stderr = "err",
            ExecuteResult = "42",
            ResubmittedFrom = Guid.NewGuid(),
            Resubmitted = Guid.NewGuid(),
            Balanced = true,
        };
        var text = Done(1) with { Result = "text" };
        var array = Done(2) with { Result = new object?[] { 1, "two", null } };
        await store.SaveAsync([full, text, array]);

        var got = await store.GetAsync([full.MsgId, text.MsgId, array.MsgId]);

        Assert.Equal(3, got.Count);
        var back = got[0];
        Assert.Equal(full.MsgId, back.MsgId);
        Assert.Equal(3, back.EngineId);
        Assert.Equal(At(0), back.Submitted);
        Assert.Equal(At(1), back.Started);
        Assert.Equal(At(2), back.Completed);
        Assert.Equal(At(3), back.Received);
        Assert.Equal(TaskStatus.Error, back.Status);
        Assert.Equal("label", back.Label);
        Assert.Equal(full.SessionId, back.SessionId);
        Assert.Equal(new ExecuteRequest("x"), back.Request);
        Assert.NotNull(back.Placement);
        Assert.Equal([1, 2], back.Placement.Targets!);
        Assert.Equal([3], back.Placement.Excluded);
        Assert.Equal(2, back.Placement.Retries);
        Assert.Equal(TimeSpan.FromSeconds(5), back.Placement.Timeout);
        Assert.Null(back.Placement.Require);
        Assert.Equal(42, back.Result);
        Assert.NotNull(back.Error);
        Assert.Equal(error.ExceptionType, back.Error.ExceptionType);
        Assert.Equal(error.Message, back.Error.Message);
        Assert.Equal(error.StackTrace, back.Error.StackTrace);
        Assert.Equal(error.Diagnostics, back.Error.Diagnostics);
        Assert.Equal("out", back.Stdout);
        Assert.Equal("err", back.Stderr);
        Assert.Equal("42", back.ExecuteResult);
        Assert.Equal(full.ResubmittedFrom, back.ResubmittedFrom);
        Assert.Equal(full.Resubmitted, back.Resubmitted);
        Assert.True(back.Balanced);
        Assert.Equal("text", got[1].Result);
        Assert.Equal(new object?[] { 1, "two", null }, Assert.IsType<object?[]>(got[2].Result));
    }

    [Fact]
    public async Task Save_EndedPieceBeforeSubmittedPiece_GivesTheFullRecord()
    {
        var store = await CreateStoreAsync();
        var id = Guid.NewGuid();
        var session = Guid.NewGuid();
        var ended = new TaskRecord { MsgId = id, EngineId = 2, Started = At(1), Completed = At(2), Status = TaskStatus.Ok, Result = "done", Stdout = "hi" };
        var submitted = new TaskRecord { MsgId = id, Submitted = At(0), Label = "l", SessionId = session, Request = new ExecuteRequest("x"), Balanced = false };

        await store.SaveAsync([ended]);
        await store.SaveAsync([submitted]);

        var record = Assert.Single(await store.GetAsync([id]));
        Assert.Equal(2, record.EngineId);
        Assert.Equal(At(0), record.Submitted);
        Assert.Equal(At(1), record.Started);
        Assert.Equal(At(2), record.Completed);
        Assert.Equal(TaskStatus.Ok, record.Status);
        Assert.Equal("done", record.Result);
        Assert.Equal("hi", record.Stdout);
        Assert.Equal("l", record.Label);
        Assert.Equal(session, record.SessionId);
        Assert.Equal(new ExecuteRequest("x"), record.Request);
        Assert.False(record.Balanced);
    }

    [Fact]
    public async Task Save_LatePendingPiece_DoesNotUndoTheEnd()
    {
        var store = await CreateStoreAsync();
        var id = Guid.NewGuid();
        await store.SaveAsync([
            new TaskRecord { MsgId = id, Submitted = At(0) },
            new TaskRecord { MsgId = id, EngineId = 1, Started = At(1), Completed = At(2), Status = TaskStatus.Aborted },
        ]);

        await store.SaveAsync([new TaskRecord { MsgId = id, EngineId = 3, Started = At(5) }]);

        var record = Assert.Single(await store.GetAsync([id]));
        Assert.Equal(TaskStatus.Aborted, record.Status);
        Assert.Equal(1, record.EngineId);
        Assert.Equal(At(1), record.Started);
        Assert.Equal(At(2), record.Completed);
        Assert.Equal(At(0), record.Submitted);
    }

    [Fact]
    public async Task Get_UnknownIdsLeftOut_AskedOrderKept()
    {
        var a = Done(0);
        var b = Done(1);
        var c = Done(2);
        var store = await StoreWithAsync(a, b, c);

        var got = await store.GetAsync([c.MsgId, Guid.NewGuid(), a.MsgId, Guid.NewGuid()]);

        Assert.Equal([c.MsgId, a.MsgId], Ids(got));
        Assert.Empty(await store.GetAsync([Guid.NewGuid()]));
    }

    [Fact]
    public async Task History_IsInSubmissionOrder_WhateverTheSaveOrder()
    {
        var records = Enumerable.Range(0, 12).Select(i => i % 3 == 0 ? Pending(i) : Done(i)).ToArray();
        var store = await StoreWithAsync(records);

        Assert.Equal(Ids(records), await store.HistoryAsync());
        Assert.Equal(Ids(records), await IdsAsync(store, TaskQuery.All));
    }

    [Fact]
    public async Task Query_LtAndGteOnSubmitted_CoverTheHistory_AndAreDisjoint()
    {
        var records = Enumerable.Range(0, 10).Select(i => Done(i)).ToArray();
        var store = await StoreWithAsync(records);

        var before = await IdsAsync(store, TaskQuery.Where(TaskField.Submitted, QueryOperator.Lt, At(4)));
        var after = await IdsAsync(store, TaskQuery.Where(TaskField.Submitted, QueryOperator.Gte, At(4)));

        Assert.Equal(Ids(records[..4]), before);
        Assert.Equal(Ids(records[4..]), after);
        Assert.Equal(await store.HistoryAsync(), [.. before, .. after]);
        Assert.Empty(before.Intersect(after));
    }

    [Fact]
    public async Task Query_LteAndGtOnCompleted_SplitAtTheBoundary()
    {
        var records = Enumerable.Range(0, 6).Select(i => Done(i)).ToArray();
        var store = await StoreWithAsync(records);
        var boundary = records[2].Completed!.Value;

        Assert.Equal(Ids(records[..3]), await IdsAsync(store, TaskQuery.Where(TaskField.Completed, QueryOperator.Lte, boundary)));
        Assert.Equal(Ids(records[3..]), await IdsAsync(store, TaskQuery.Where(TaskField.Completed, QueryOperator.Gt, boundary)));
        Assert.Equal(Ids(records[1..3]), await IdsAsync(store,
            TaskQuery.Where(TaskField.Completed, QueryOperator.Lte, boundary).And(TaskField.Submitted, QueryOperator.Gte, At(1))));
    }

    [Fact]
    public async Task Query_InAndNinOnMsgId_SplitTheHistory()
    {
        var records = Enumerable.Range(0, 8).Select(i => Done(i)).ToArray();
        var store = await StoreWithAsync(records);
        Guid[] chosen = [records[5].MsgId, records[1].MsgId, Guid.NewGuid(), records[6].MsgId];

        var inside = await IdsAsync(store, TaskQuery.Where(TaskField.MsgId, QueryOperator.In, chosen));
        var outside = await IdsAsync(store, TaskQuery.Where(TaskField.MsgId, QueryOperator.Nin, chosen));

        Assert.Equal([records[1].MsgId, records[5].MsgId, records[6].MsgId], inside);
        Assert.Equal(Ids(records.Where(r => !chosen.Contains(r.MsgId))), outside);
        Assert.Empty(await IdsAsync(store, TaskQuery.Where(TaskField.MsgId, QueryOperator.In, Array.Empty<Guid>())));
        Assert.Equal(Ids(records), await IdsAsync(store, TaskQuery.Where(TaskField.MsgId, QueryOperator.Nin, Array.Empty<Guid>())));
    }

    [Fact]
    public async Task Query_EqNeExistsOnLabel_TreatNoLabelAsNotSet()
    {
        var records = new[] { Done(0, "a"), Done(1), Done(2, "b"), Done(3, "a"), Done(4) };
        var store = await StoreWithAsync(records);
        Guid[] Pick(params int[] indexes) => indexes.Select(i => records[i].MsgId).ToArray();

        Assert.Equal(Pick(0, 3), await IdsAsync(store, TaskQuery.Where(TaskField.Label, QueryOperator.Eq, "a")));
        Assert.Equal(Pick(1, 2, 4), await IdsAsync(store, TaskQuery.Where(TaskField.Label, QueryOperator.Ne, "a")));
        Assert.Equal(Pick(0, 2, 3), await IdsAsync(store, TaskQuery.Where(TaskField.Label, QueryOperator.Exists, true)));
        Assert.Equal(Pick(1, 4), await IdsAsync(store, TaskQuery.Where(TaskField.Label, QueryOperator.Exists, false)));
        Assert.Equal(Pick(1, 4), await IdsAsync(store, TaskQuery.Where(TaskField.Label, QueryOperator.Eq, null)));
        Assert.Equal(Pick(0, 2, 3), await IdsAsync(store, TaskQuery.Where(TaskField.Label, QueryOperator.Ne, null)));
        Assert.Equal(Pick(0, 1, 3, 4), await IdsAsync(store, TaskQuery.Where(TaskField.Label, QueryOperator.In, new[] { "a", null })));
        Assert.Equal(Pick(2), await IdsAsync(store, TaskQuery.Where(TaskField.Label, QueryOperator.Nin, new[] { "a", null })));
        Assert.Equal(Pick(1, 2, 4), await IdsAsync(store, TaskQuery.Where(TaskField.Label, QueryOperator.Nin, new[] { "a" })));
        Assert.Equal(Pick(2), await IdsAsync(store, TaskQuery.Where(TaskField.Label, QueryOperator.Gt, "a")));
    }

    [Fact]
    public async Task Query_OnAFieldNeverSet_MatchesAsNotSet()
    {
        var records = Enumerable.Range(0, 4).Select(i => Done(i)).ToArray();
        var store = await StoreWithAsync(records);

        Assert.Equal(Ids(records), await IdsAsync(store, TaskQuery.Where(TaskField.Stderr, QueryOperator.Eq, null)));
        Assert.Equal(Ids(records), await IdsAsync(store, TaskQuery.Where(TaskField.Stderr, QueryOperator.Ne, "x")));
        Assert.Equal(Ids(records), await IdsAsync(store, TaskQuery.Where(TaskField.Stderr, QueryOperator.Exists, false)));
        Assert.Empty(await IdsAsync(store, TaskQuery.Where(TaskField.Stderr, QueryOperator.Exists, true)));
        Assert.Empty(await IdsAsync(store, TaskQuery.Where(TaskField.Stderr, QueryOperator.Ne, null)));
        Assert.Empty(await IdsAsync(store, TaskQuery.Where(TaskField.Stderr, QueryOperator.Lt, "zzz")));
        Assert.Empty(await IdsAsync(store, TaskQuery.Where(TaskField.ResubmittedFrom, QueryOperator.Gte, Guid.Empty)));
        Assert.Empty(await IdsAsync(store, TaskQuery.Where(TaskField.Error, QueryOperator.Exists, true)));
        Assert.Equal(Ids(records), await IdsAsync(store, TaskQuery.Where(TaskField.Result, QueryOperator.Exists, true)));
    }

    [Fact]
    public async Task Query_EngineIdComparisons_LeaveOutTasksWithNoEngine()
    {
        var done = Enumerable.Range(0, 4).Select(i => Done(i)).ToArray(); // engines 0, 1, 2, 3
        var waiting = Pending(4); // engine -1: none yet
        var store = await StoreWithAsync([.. done, waiting]);

        Assert.Equal(Ids(done[..2]), await IdsAsync(store, TaskQuery.Where(TaskField.EngineId, QueryOperator.Lt, 2)));
        Assert.Equal(Ids(done[2..]), await IdsAsync(store, TaskQuery.Where(TaskField.EngineId, QueryOperator.Gte, 2)));
        Assert.Equal(Ids(done[..3]), await IdsAsync(store, TaskQuery.Where(TaskField.EngineId, QueryOperator.Lte, 2L)));
        Assert.Equal(Ids(done[2..]), await IdsAsync(store, TaskQuery.Where(TaskField.EngineId, QueryOperator.Gt, 1)));
        Assert.Equal([done[1].MsgId], await IdsAsync(store, TaskQuery.Where(TaskField.EngineId, QueryOperator.Eq, 1)));
        Assert.Equal([done[0].MsgId, done[2].MsgId, done[3].MsgId, waiting.MsgId], await IdsAsync(store, TaskQuery.Where(TaskField.EngineId, QueryOperator.Ne, 1)));
        Assert.Equal([waiting.MsgId], await IdsAsync(store, TaskQuery.Where(TaskField.EngineId, QueryOperator.Eq, null)));
        Assert.Equal([waiting.MsgId], await IdsAsync(store, TaskQuery.Where(TaskField.EngineId, QueryOperator.Exists, false)));
        Assert.Equal([done[3].MsgId, waiting.MsgId], await IdsAsync(store, TaskQuery.Where(TaskField.EngineId, QueryOperator.In, new object?[] { 3, null })));
    }

    [Fact]
    public async Task Query_Status_ByValueAndByName()
    {
        var records = new[] { Done(0), Done(1, status: TaskStatus.Error), Pending(2), Done(3, status: TaskStatus.Aborted), Done(4) };
        var store = await StoreWithAsync(records);
        Guid[] Pick(params int[] indexes) => indexes.Select(i => records[i].MsgId).ToArray();

        Assert.Equal(Pick(0, 4), await IdsAsync(store, TaskQuery.Where(TaskField.Status, QueryOperator.Eq, TaskStatus.Ok)));
        Assert.Equal(Pick(1), await IdsAsync(store, TaskQuery.Parse(new Dictionary<string, object?> { ["status"] = "error" })));
        Assert.Equal(Pick(2), await IdsAsync(store, TaskQuery.Where(TaskField.Status, QueryOperator.Eq, TaskStatus.Pending)));
        Assert.Equal(Pick(0, 1, 3, 4), await IdsAsync(store, TaskQuery.Where(TaskField.Status, QueryOperator.Ne, TaskStatus.Pending)));
        Assert.Equal(Pick(0, 3, 4), await IdsAsync(store, TaskQuery.Where(TaskField.Status, QueryOperator.In, new[] { TaskStatus.Ok, TaskStatus.Aborted })));
    }

    [Fact]
    public async Task Query_WithKeys_FillsOnlyThoseFields()
    {
        var record = Done(0, "l") with
        {
            Request = new ExecuteRequest("x"),
            Placement = TaskPlacement.Anywhere,
            Stdout = "out",
            SessionId = Guid.NewGuid(),
            Error = new RemoteError("E", "m", "s", []),
        };
        var store = await StoreWithAsync(record);

        var projected = Assert.Single(await store.QueryAsync(TaskQuery.All, [TaskField.Label, TaskField.Request, TaskField.Completed]));

        Assert.Equal(record.MsgId, projected.MsgId);
        Assert.Equal("l", projected.Label);
        Assert.Equal(new ExecuteRequest("x"), projected.Request);
        Assert.NotNull(projected.Placement);
        Assert.Null(projected.Placement.Targets);
        Assert.Equal(record.Completed, projected.Completed);
        Assert.Equal(-1, projected.EngineId);
        Assert.Null(projected.Submitted);
        Assert.Null(projected.Started);
        Assert.Equal(TaskStatus.Pending, projected.Status);
        Assert.Null(projected.Result);
        Assert.Null(projected.Error);
        Assert.Null(projected.Stdout);
        Assert.Null(projected.SessionId);

        var idsOnly = Assert.Single(await store.QueryAsync(TaskQuery.Where(TaskField.Label, QueryOperator.Eq, "l"), []));
        Assert.Equal(record.MsgId, idsOnly.MsgId);
        Assert.Null(idsOnly.Label);
    }

    [Fact]
    public async Task Purge_AllFinished_EmptiesTheHistoryWhenAllAreDone()
    {
        var records = Enumerable.Range(0, 5).Select(i => Done(i)).ToArray();
        var store = await StoreWithAsync(records);

        Assert.Equal(5, await store.PurgeAsync(null));

        Assert.Empty(await store.HistoryAsync());
        Assert.Empty(await store.GetAsync(Ids(records)));
    }

    [Fact]
    public async Task Purge_AllFinished_KeepsPendingOnes()
    {
        var records = Enumerable.Range(0, 6).Select(i => i % 2 == 0 ? Done(i) : Pending(i)).ToArray();
        var store = await StoreWithAsync(records);

        Assert.Equal(3, await store.PurgeAsync(null));

        Assert.Equal(Ids(records.Where(r => !r.IsDone)), await store.HistoryAsync());
    }

    [Fact]
    public async Task Purge_OneId_ShortensTheHistoryByOne_AndNeverRemovesPending()
    {
        var records = new[] { Done(0), Done(1), Pending(2), Done(3) };
        var store = await StoreWithAsync(records);

        Assert.Equal(1, await store.PurgeAsync([records[1].MsgId]));
        Assert.Equal([records[0].MsgId, records[2].MsgId, records[3].MsgId], await store.HistoryAsync());

        Assert.Equal(0, await store.PurgeAsync([records[2].MsgId, Guid.NewGuid()]));
        Assert.Equal(3, (await store.HistoryAsync()).Count);
    }

    [Fact]
    public async Task Query_WrongValueType_ThrowsArgumentException()
    {
        var store = await StoreWithAsync(Done(0));

        await Assert.ThrowsAsync<ArgumentException>(() => store.QueryAsync(new TaskQuery([new TaskCondition(TaskField.EngineId, QueryOperator.Eq, "zero")])));
        await Assert.ThrowsAsync<ArgumentException>(() => store.QueryAsync(new TaskQuery([new TaskCondition(TaskField.Submitted, QueryOperator.Lt, null)])));
        await Assert.ThrowsAsync<ArgumentException>(() => store.QueryAsync(new TaskQuery([new TaskCondition(TaskField.Result, QueryOperator.Eq, 1)])));
    }
}
