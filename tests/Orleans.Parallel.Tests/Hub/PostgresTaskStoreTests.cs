using Npgsql;
using Orleans.Parallel.Engine;
using Orleans.Parallel.Grains.Hub.Store;
using Orleans.Parallel.Grains.Hub.Store.Postgres;
using Orleans.Parallel.Hub;
using Orleans.Parallel.Scheduling;
using Orleans.Parallel.Wire;
using TaskStatus = Orleans.Parallel.Engine.TaskStatus;

namespace Orleans.Parallel.Tests.Hub;

/// <summary>
/// The task store contract on a real PostgreSQL server, and what only a database store must do:
/// keep every field through bytes and SQL types, merge pieces in SQL as <see cref="TaskRecord.Merge"/>
/// does, and keep the records for the next store (a silo restart) on the same database.
/// </summary>
[Collection("postgres")]
public sealed class PostgresTaskStoreTests(PostgresServer server) : TaskStoreContract
{
    /// <summary>A microsecond-aligned UTC instant: PostgreSQL keeps microseconds, .NET ticks are 100 ns.</summary>
    internal static DateTime At(int seconds) => new DateTime(2025, 3, 1, 12, 0, 0, DateTimeKind.Utc).AddSeconds(seconds).AddTicks(1230);

    protected override async Task<ITaskStore> CreateStoreAsync() => await NewStoreAsync(server, "contract");

    internal static async Task<PostgresTaskStore> NewStoreAsync(PostgresServer server, string name, string? icuLocale = null) =>
        Open(await server.CreateDatabaseAsync(name, icuLocale));

    private static PostgresTaskStore Open(string connectionString) =>
        new(new TaskStoreOptions { Kind = TaskStoreOptions.Postgres, ConnectionString = connectionString }, TestSerializer.Instance);

    private static TaskRecord Full(Guid id, object? result) => new()
    {
        MsgId = id,
        EngineId = 3,
        Submitted = At(0),
        Started = At(1),
        Completed = At(2),
        Received = At(3),
        Status = TaskStatus.Error,
        Label = "full",
        SessionId = Guid.NewGuid(),
        Request = new ExecuteRequest("var x = 1;"),
        Placement = new TaskPlacement([1, 2], [3], 2, TimeSpan.FromSeconds(5), null),
        Result = result,
        Error = new RemoteError("System.InvalidOperationException", "boom", "   at Run()", [new CompilerDiagnostic("CS0103", "Error", 1, 5, "x")]),
        Stdout = "out\nline",
        Stderr = "err",
        ExecuteResult = "1",
        ResubmittedFrom = Guid.NewGuid(),
        Resubmitted = Guid.NewGuid(),
        Balanced = true,
    };

    /// <summary>Field by field; object-valued fields structurally (their lists compare by reference in record equality).</summary>
    internal static void AssertSame(TaskRecord expected, TaskRecord actual)
    {
        Assert.Equal(expected with { Placement = null, Error = null, Result = null }, actual with { Placement = null, Error = null, Result = null });
        Assert.Equal(expected.Placement is null, actual.Placement is null);
        if (expected.Placement is { } placement)
        {
            Assert.Equal(placement.Targets, actual.Placement!.Targets);
            Assert.Equal(placement.Excluded, actual.Placement.Excluded);
            Assert.Equal(placement with { Targets = null, Excluded = [] }, actual.Placement with { Targets = null, Excluded = [] });
        }
        Assert.Equal(expected.Error is null, actual.Error is null);
        if (expected.Error is { } error)
        {
            Assert.Equal(error.Diagnostics, actual.Error!.Diagnostics);
            Assert.Equal(error with { Diagnostics = [] }, actual.Error with { Diagnostics = [] });
        }
        if (expected.Result is PackedArray packed)
        {
            var stored = Assert.IsType<PackedArray>(actual.Result);
            Assert.Equal(packed.ElementType, stored.ElementType);
            Assert.Equal(packed.Data, stored.Data);
        }
        else Assert.Equal(expected.Result, actual.Result);
    }

    [Fact]
    public async Task EveryFieldRoundTrips()
    {
        await using var store = await NewStoreAsync(server, "round_trip");
        object?[] results = [42, "text", new object?[] { 1, "two", null, 3.5, At(9), new[] { 1.5, 2.5 } }, PackedArray.Pack(new[] { 1.0, 2.0, 3.0 }), null];
        var records = results.Select(result => Full(Guid.NewGuid(), result)).ToList();
        await store.SaveAsync(records);

        var stored = await store.GetAsync([.. records.Select(r => r.MsgId)]);

        Assert.Equal(records.Count, stored.Count);
        for (var i = 0; i < records.Count; i++) AssertSame(records[i], stored[i]);
        Assert.All(stored, r => Assert.Equal(DateTimeKind.Utc, r.Submitted!.Value.Kind));
    }

    [Fact]
    public async Task AnUnsetRecordRoundTripsAsUnknown()
    {
        await using var store = await NewStoreAsync(server, "unset");
        var bare = new TaskRecord { MsgId = Guid.NewGuid() };
        await store.SaveAsync([bare]);

        AssertSame(bare, Assert.Single(await store.GetAsync([bare.MsgId])));
    }

    [Fact]
    public async Task GetKeepsTheAskedOrderAndLeavesOutUnknownIds()
    {
        await using var store = await NewStoreAsync(server, "get");
        var ids = Enumerable.Range(0, 4).Select(_ => Guid.NewGuid()).ToList();
        await store.SaveAsync([.. ids.Select(id => new TaskRecord { MsgId = id })]);

        var stored = await store.GetAsync([ids[3], Guid.NewGuid(), ids[0], ids[2]]);

        Assert.Equal([ids[3], ids[0], ids[2]], stored.Select(r => r.MsgId));
    }

    /// <summary>The pieces a task's record arrives in: submitted at the queue, started and ended at an engine.</summary>
    private static TaskRecord[] Pieces(Guid id) =>
    [
        new() { MsgId = id, Submitted = At(0), Label = "lbl", SessionId = Guid.NewGuid(), Request = new ExecuteRequest("1"), Placement = TaskPlacement.Anywhere, Balanced = true },
        new() { MsgId = id, EngineId = 2, Started = At(1), Stdout = "early" },
        new() { MsgId = id, EngineId = 2, Started = At(1), Completed = At(2), Received = At(3), Status = TaskStatus.Ok, Result = 42, Stdout = "all" },
    ];

    public static TheoryData<int[]> Orders => new() { new[] { 0, 1, 2 }, new[] { 2, 1, 0 }, new[] { 1, 2, 0 }, new[] { 0, 2, 1 }, new[] { 2, 0, 1 }, new[] { 1, 0, 2 } };

    [Theory]
    [MemberData(nameof(Orders))]
    public async Task PiecesMergeAsTaskRecordMergeDoesInAnyOrder(int[] order)
    {
        await using var store = await NewStoreAsync(server, "merge");
        var id = Guid.NewGuid();
        var pieces = order.Select(i => Pieces(id)[i]).ToList();
        foreach (var piece in pieces) await store.SaveAsync([piece]);

        var expected = pieces.Skip(1).Aggregate(pieces[0], TaskRecord.Merge);
        AssertSame(expected, Assert.Single(await store.GetAsync([id])));
        Assert.Equal(TaskStatus.Ok, expected.Status);
    }

    [Fact]
    public async Task PiecesOfOneTaskInOneBatchMergeInBatchOrder()
    {
        await using var store = await NewStoreAsync(server, "merge_batch");
        var id = Guid.NewGuid();
        var other = new TaskRecord { MsgId = Guid.NewGuid(), Submitted = At(5) };
        var pieces = Pieces(id);
        await store.SaveAsync([pieces[2], other, pieces[1], pieces[0], pieces[1]]);

        var expected = TaskRecord.Merge(TaskRecord.Merge(TaskRecord.Merge(pieces[2], pieces[1]), pieces[0]), pieces[1]);
        AssertSame(expected, Assert.Single(await store.GetAsync([id])));
        Assert.Equal([id, other.MsgId], await store.HistoryAsync());
    }

    [Fact]
    public async Task ALatePendingPieceNeverUndoesTheEnd()
    {
        // TaskRecord.Merge is not associative: after the end, a late "started" (engine 7) followed by
        // a piece that knows no engine must keep the stored engine and start, as merging one by one does.
        await using var store = await NewStoreAsync(server, "merge_late");
        var id = Guid.NewGuid();
        var ended = new TaskRecord { MsgId = id, EngineId = 2, Started = At(1), Completed = At(2), Status = TaskStatus.Ok, Result = "r" };
        var late = new TaskRecord { MsgId = id, EngineId = 7, Started = At(4), Stdout = "late" };
        var again = new TaskRecord { MsgId = id, Status = TaskStatus.Error, Stderr = "err" };
        await store.SaveAsync([ended]);
        await store.SaveAsync([late, again]);

        var stored = Assert.Single(await store.GetAsync([id]));
        AssertSame(TaskRecord.Merge(TaskRecord.Merge(ended, late), again), stored);
        Assert.Equal(2, stored.EngineId);
        Assert.Equal(At(1), stored.Started);
        Assert.Null(stored.Result); // the ending piece's result, which it did not have
    }

    [Fact]
    public async Task HistoryIsBySubmissionThenArrival()
    {
        await using var store = await NewStoreAsync(server, "history");
        var ids = Enumerable.Range(0, 6).Select(_ => Guid.NewGuid()).ToList();
        await store.SaveAsync(
        [
            new() { MsgId = ids[0], Submitted = At(3) },
            new() { MsgId = ids[1] },
            new() { MsgId = ids[2], Submitted = At(1) },
            new() { MsgId = ids[3], Submitted = At(1) },
            new() { MsgId = ids[4] },
        ]);
        await store.SaveAsync([new() { MsgId = ids[5], Submitted = At(2) }, new() { MsgId = ids[4], Submitted = At(0) }]);

        Assert.Equal([ids[4], ids[2], ids[3], ids[5], ids[0], ids[1]], await store.HistoryAsync());
        // Queries return the same order.
        Assert.Equal(await store.HistoryAsync(), (await store.QueryAsync(TaskQuery.All)).Select(r => r.MsgId));
    }

    [Fact]
    public async Task KeysSelectOnlyTheirFields()
    {
        await using var store = await NewStoreAsync(server, "keys");
        var record = Full(Guid.NewGuid(), 42);
        await store.SaveAsync([record]);

        var labelled = Assert.Single(await store.QueryAsync(TaskQuery.All, [TaskField.Label, TaskField.Status]));
        AssertSame(new TaskRecord { MsgId = record.MsgId, Label = "full", Status = TaskStatus.Error }, labelled);

        var request = Assert.Single(await store.QueryAsync(TaskQuery.All, [TaskField.Request]));
        AssertSame(new TaskRecord { MsgId = record.MsgId, Request = record.Request, Placement = record.Placement }, request);

        var result = Assert.Single(await store.QueryAsync(TaskQuery.All, [TaskField.Result, TaskField.EngineId, TaskField.Submitted]));
        AssertSame(new TaskRecord { MsgId = record.MsgId, Result = 42, EngineId = 3, Submitted = At(0) }, result);

        AssertSame(new TaskRecord { MsgId = record.MsgId }, Assert.Single(await store.QueryAsync(TaskQuery.All, [])));
        AssertSame(record, Assert.Single(await store.QueryAsync(TaskQuery.All)));
    }

    [Fact]
    public async Task PurgeRemovesOnlyFinishedRecords()
    {
        await using var store = await NewStoreAsync(server, "purge");
        var done = Enumerable.Range(0, 4).Select(i => new TaskRecord { MsgId = Guid.NewGuid(), Submitted = At(i), Status = (TaskStatus)(i % 3 + 1) }).ToList();
        var pending = Enumerable.Range(0, 2).Select(i => new TaskRecord { MsgId = Guid.NewGuid(), Submitted = At(10 + i) }).ToList();
        await store.SaveAsync([.. done, .. pending]);

        Assert.Equal(1, await store.PurgeAsync([done[0].MsgId, pending[0].MsgId, Guid.NewGuid()]));
        Assert.Equal([done[1].MsgId, done[2].MsgId, done[3].MsgId, pending[0].MsgId, pending[1].MsgId], await store.HistoryAsync());
        Assert.Equal(0, await store.PurgeAsync([]));

        Assert.Equal(3, await store.PurgeAsync(null));
        Assert.Equal([pending[0].MsgId, pending[1].MsgId], await store.HistoryAsync());
    }

    [Fact]
    public async Task RecordsOutliveTheStoreThatWroteThem()
    {
        var database = await server.CreateDatabaseAsync("restart");
        var record = Full(Guid.NewGuid(), new object?[] { 1, "a" });
        var pending = new TaskRecord { MsgId = Guid.NewGuid(), Submitted = At(7) };
        await using (var before = Open(database)) await before.SaveAsync([record, pending]);

        // What a silo restart does: a new store, the table already there.
        await using var after = Open(database);
        AssertSame(record, Assert.Single(await after.GetAsync([record.MsgId])));
        Assert.Equal([record.MsgId, pending.MsgId], await after.HistoryAsync());
        await after.SaveAsync([new TaskRecord { MsgId = pending.MsgId, Status = TaskStatus.Ok, Result = 5 }]);
        Assert.Equal(5, Assert.Single(await after.GetAsync([pending.MsgId])).Result);
    }

    [Fact]
    public async Task SilosStartingTogetherCreateTheTableOnce()
    {
        var database = await server.CreateDatabaseAsync("together");
        var stores = Enumerable.Range(0, 4).Select(_ => Open(database)).ToList();
        try
        {
            var ids = stores.Select(_ => Guid.NewGuid()).ToList();
            await Task.WhenAll(stores.Select((store, i) => store.SaveAsync([new TaskRecord { MsgId = ids[i], Submitted = At(i) }])));
            Assert.Equal(ids, await stores[0].HistoryAsync());
        }
        finally
        {
            foreach (var store in stores) await store.DisposeAsync();
        }
    }

    [Fact]
    public async Task TheTableIsTheProjectsOwn()
    {
        var database = await server.CreateDatabaseAsync("schema");
        await using (var store = Open(database)) await store.HistoryAsync();

        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_indexes WHERE tablename = 'op_task_records'", connection);
        // The primary key and the six queried fields.
        Assert.Equal(7L, await command.ExecuteScalarAsync());
    }
}
