using Npgsql;
using Orleans.Parallel.Engine;
using Orleans.Parallel.Grains.Hub.Store.Postgres;
using Orleans.Parallel.Hub;
using static Orleans.Parallel.Hub.QueryOperator;
using static Orleans.Parallel.Tests.Hub.PostgresTaskStoreTests;
using TaskStatus = Orleans.Parallel.Engine.TaskStatus;

namespace Orleans.Parallel.Tests.Hub;

/// <summary>
/// Each query operator in SQL, with MongoDB's treatment of unset fields (ipyparallel's hub
/// semantics), ordinal strings in a database whose own collation is not, and queries as the
/// untrusted input they are: hostile strings stay data, values of the wrong type are refused.
/// </summary>
[Collection("postgres")]
public sealed class PostgresQueryTests(PostgresServer server) : IAsyncLifetime
{
    private static readonly Guid Session1 = Guid.NewGuid(), Session2 = Guid.NewGuid();
    private const string Hostile = "x'; DROP TABLE op_task_records; -- @p0 $1 \\ \" '' ";

    // Stored in this order (which is also submission order, "e" having none):
    //   name engine label status   submitted balanced result error session request
    //   a    -1     null  Pending  0         null     null   -     1       yes
    //   b    0      "a"   Ok       1         true     1      -     1       -
    //   c    1      "b"   Error    2         false    null   yes   2       -
    //   d    2      "B"   Aborted  3         false    null   -     2       -
    //   e    1      "ä"   Ok       null      true     "x"    -     null    -
    private readonly Dictionary<string, TaskRecord> _records = new()
    {
        ["a"] = new() { MsgId = Guid.NewGuid(), Submitted = At(0), SessionId = Session1, Request = new ExecuteRequest("1") },
        ["b"] = new() { MsgId = Guid.NewGuid(), EngineId = 0, Label = "a", Status = TaskStatus.Ok, Submitted = At(1), Balanced = true, Result = 1, SessionId = Session1 },
        ["c"] = new() { MsgId = Guid.NewGuid(), EngineId = 1, Label = "b", Status = TaskStatus.Error, Submitted = At(2), Balanced = false, Error = new RemoteError("E", "m", "", []), SessionId = Session2 },
        ["d"] = new() { MsgId = Guid.NewGuid(), EngineId = 2, Label = "B", Status = TaskStatus.Aborted, Submitted = At(3), Balanced = false, SessionId = Session2 },
        ["e"] = new() { MsgId = Guid.NewGuid(), EngineId = 1, Label = "ä", Status = TaskStatus.Ok, Balanced = true, Result = "x" },
    };

    private PostgresTaskStore? _store;
    private string? _database;

    private PostgresTaskStore Store => _store!;

    public async Task InitializeAsync()
    {
        // en-US would sort "a" < "ä" < "b" < "B": the store's comparisons must not follow it.
        _database = await server.CreateDatabaseAsync("query", icuLocale: "en-US");
        _store = new PostgresTaskStore(new() { Kind = "postgres", ConnectionString = _database }, TestSerializer.Instance);
        await Store.SaveAsync([.. _records.Values]);
    }

    public async Task DisposeAsync()
    {
        if (_store is not null) await _store.DisposeAsync();
    }

    /// <summary>The names of the records that match all conditions, in the order the store returned them.</summary>
    private async Task<string> Match(params TaskCondition[] conditions)
    {
        var names = _records.ToDictionary(r => r.Value.MsgId, r => r.Key);
        return string.Concat((await Store.QueryAsync(new TaskQuery(conditions))).Select(r => names[r.MsgId]));
    }

    private static TaskCondition C(TaskField field, QueryOperator op, object? value) => new(field, op, value);

    [Fact]
    public async Task EqualityTreatsUnsetAsNull()
    {
        Assert.Equal("ce", await Match(C(TaskField.EngineId, Eq, 1)));
        Assert.Equal("a", await Match(C(TaskField.EngineId, Eq, null)));
        Assert.Equal("a", await Match(C(TaskField.EngineId, Eq, -1)));
        Assert.Equal("abd", await Match(C(TaskField.EngineId, Ne, 1)));
        Assert.Equal("bcde", await Match(C(TaskField.EngineId, Ne, null)));
        Assert.Equal("bcde", await Match(C(TaskField.EngineId, Ne, -1)));
        Assert.Equal("e", await Match(C(TaskField.Label, Eq, "ä")));
        Assert.Equal("abce", await Match(C(TaskField.Label, Ne, "B")));
        Assert.Equal("e", await Match(C(TaskField.Submitted, Eq, null)));
        Assert.Equal("b", await Match(C(TaskField.Submitted, Eq, At(1))));
        Assert.Equal("be", await Match(C(TaskField.Status, Eq, TaskStatus.Ok)));
        Assert.Equal("bcde", await Match(C(TaskField.Status, Ne, TaskStatus.Pending)));
        Assert.Equal("cd", await Match(C(TaskField.Balanced, Eq, false)));
        Assert.Equal("acd", await Match(C(TaskField.Balanced, Ne, true)));
        Assert.Equal("ab", await Match(C(TaskField.SessionId, Eq, Session1)));
        Assert.Equal("b", await Match(C(TaskField.MsgId, Eq, _records["b"].MsgId)));
    }

    [Fact]
    public async Task ComparisonsNeverMatchUnset()
    {
        Assert.Equal("b", await Match(C(TaskField.EngineId, Lt, 1)));
        Assert.Equal("b", await Match(C(TaskField.EngineId, Lte, 0)));
        Assert.Equal("cde", await Match(C(TaskField.EngineId, Gt, 0)));
        Assert.Equal("cde", await Match(C(TaskField.EngineId, Gte, 1)));
        Assert.Equal("bcde", await Match(C(TaskField.EngineId, Gt, -5)));
        Assert.Equal("cd", await Match(C(TaskField.Status, Gt, TaskStatus.Ok)));
        Assert.Equal("cd", await Match(C(TaskField.Balanced, Lt, true)));
    }

    [Fact]
    public async Task StringsCompareOrdinally()
    {
        // Ordinal: "B" (U+0042) < "a" < "b" < "ä" (U+00E4).
        Assert.Equal("bd", await Match(C(TaskField.Label, Lt, "b")));
        Assert.Equal("bcd", await Match(C(TaskField.Label, Lte, "b")));
        Assert.Equal("e", await Match(C(TaskField.Label, Gt, "b")));
        Assert.Equal("bce", await Match(C(TaskField.Label, Gte, "a")));
        Assert.Equal("d", await Match(C(TaskField.Label, Lt, "a")));
    }

    [Fact]
    public async Task SubmittedRangesSplitTheHistory()
    {
        var before = await Match(C(TaskField.Submitted, Lt, At(2)));
        var after = await Match(C(TaskField.Submitted, Gte, At(2)));

        Assert.Equal("ab", before);
        Assert.Equal("cd", after);
        Assert.Equal("abcd", before + after); // every submitted record, once; "e" was never submitted
        Assert.Equal("bc", await Match(C(TaskField.Submitted, Gt, At(0)), C(TaskField.Submitted, Lte, At(2))));
        Assert.Equal("ab", await Match(C(TaskField.Submitted, Lt, new DateTimeOffset(At(2)).ToOffset(TimeSpan.FromHours(2)))));
    }

    [Fact]
    public async Task InAndNinSplitOnNull()
    {
        Assert.Equal("bd", await Match(C(TaskField.EngineId, In, new object?[] { 0, 2 })));
        Assert.Equal("ad", await Match(C(TaskField.EngineId, In, new object?[] { 2, null })));
        Assert.Equal("a", await Match(C(TaskField.EngineId, In, new object?[] { -1 })));
        Assert.Equal("", await Match(C(TaskField.EngineId, In, Array.Empty<object?>())));
        Assert.Equal("abd", await Match(C(TaskField.EngineId, Nin, new object?[] { 1 })));
        Assert.Equal("bd", await Match(C(TaskField.EngineId, Nin, new object?[] { 1, null })));
        Assert.Equal("bcde", await Match(C(TaskField.EngineId, Nin, new object?[] { null })));
        Assert.Equal("abcde", await Match(C(TaskField.EngineId, Nin, Array.Empty<object?>())));
        Assert.Equal("bcd", await Match(C(TaskField.Label, In, new object?[] { "a", "b", "B" })));
        Assert.Equal("ae", await Match(C(TaskField.Label, Nin, new object?[] { "a", "b", "B" })));
        Assert.Equal("bce", await Match(C(TaskField.Status, In, new object?[] { TaskStatus.Ok, TaskStatus.Error })));
        Assert.Equal("cde", await Match(C(TaskField.SessionId, In, new object?[] { Session2, null })));
        Assert.Equal("ab", await Match(C(TaskField.SessionId, Nin, new object?[] { Session2, null })));
        Assert.Equal("bc", await Match(C(TaskField.Submitted, In, new object?[] { At(1), At(2) })));
    }

    [Fact]
    public async Task ExistsTellsSetFromUnset()
    {
        Assert.Equal("bcde", await Match(C(TaskField.Label, Exists, true)));
        Assert.Equal("a", await Match(C(TaskField.Label, Exists, false)));
        Assert.Equal("be", await Match(C(TaskField.Result, Exists, true)));
        Assert.Equal("acd", await Match(C(TaskField.Result, Exists, false)));
        Assert.Equal("c", await Match(C(TaskField.Error, Exists, true)));
        Assert.Equal("a", await Match(C(TaskField.Request, Exists, true)));
        Assert.Equal("a", await Match(C(TaskField.EngineId, Exists, false)));
        Assert.Equal("", await Match(C(TaskField.Status, Exists, false)));
    }

    [Fact]
    public async Task ConditionsAllHold()
    {
        Assert.Equal("de", await Match(C(TaskField.EngineId, Gte, 1), C(TaskField.Label, Ne, "b")));
        Assert.Equal("e", await Match(C(TaskField.Status, Eq, TaskStatus.Ok), C(TaskField.Submitted, Eq, null)));
    }

    [Fact]
    public async Task AHostileStringIsOnlyData()
    {
        var hostile = new TaskRecord { MsgId = Guid.NewGuid(), Label = Hostile, Stdout = Hostile, Status = TaskStatus.Ok };
        await Store.SaveAsync([hostile]);

        foreach (var condition in new[] { C(TaskField.Label, Eq, Hostile), C(TaskField.Label, In, new object?[] { Hostile }), C(TaskField.Stdout, Gte, Hostile) })
        {
            var found = Assert.Single(await Store.QueryAsync(new TaskQuery([condition])));
            Assert.Equal(hostile.MsgId, found.MsgId);
            Assert.Equal(Hostile, found.Label);
            Assert.Equal(Hostile, found.Stdout);
        }
        Assert.Empty(await Store.QueryAsync(new TaskQuery([C(TaskField.Label, Eq, "x'")])));
        Assert.Equal(6, (await Store.HistoryAsync()).Count);

        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM op_task_records", connection);
        Assert.Equal(6L, await command.ExecuteScalarAsync());
    }

    public static TheoryData<TaskField, QueryOperator, object?> WrongValues => new()
    {
        { TaskField.EngineId, Eq, "3" },
        { TaskField.EngineId, Gt, 3.5 },
        { TaskField.EngineId, In, new object?[] { 1, 5_000_000_000L } },
        { TaskField.Submitted, Lt, "2025-03-01T12:00:00Z" },
        { TaskField.Label, Eq, 5 },
        { TaskField.Status, Eq, 1 },
        { TaskField.Status, Eq, (TaskStatus)9 },
        { TaskField.SessionId, Eq, "not a guid" },
        { TaskField.Balanced, Eq, "true" },
        { TaskField.Result, Eq, 42 },
        { TaskField.Error, Ne, null },
        { TaskField.Request, In, new object?[] { null } },
        { TaskField.Label, In, "abc" },
        { TaskField.Label, Nin, 5 },
        { TaskField.Label, Exists, "yes" },
        { TaskField.EngineId, Lt, null },
        { (TaskField)99, Eq, 1 },
        { TaskField.Label, (QueryOperator)99, "a" },
    };

    [Theory]
    [MemberData(nameof(WrongValues))]
    public async Task AValueOfTheWrongTypeIsAnArgumentError(TaskField field, QueryOperator op, object? value)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Store.QueryAsync(new TaskQuery([C(field, op, value)])));

        if (Enum.IsDefined(field)) Assert.Contains(field.ToString(), error.Message);
        if (Enum.IsDefined(field) && Enum.IsDefined(op)) Assert.Contains(SqlQuery.OperatorName(op), error.Message);
    }
}
