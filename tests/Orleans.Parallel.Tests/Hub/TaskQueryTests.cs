using Orleans.Parallel.Engine;
using Orleans.Parallel.Hub;
using TaskStatus = Orleans.Parallel.Engine.TaskStatus;

namespace Orleans.Parallel.Tests.Hub;

/// <summary>The task query language: parsing, normalising, rejecting with a useful message, and matching in memory.</summary>
public sealed class TaskQueryTests
{
    private static readonly DateTime T0 = new(2026, 3, 4, 5, 6, 7, DateTimeKind.Utc);

    private static TaskQuery Parse(params (string Key, object? Value)[] pairs) =>
        TaskQuery.Parse(pairs.ToDictionary(p => p.Key, p => p.Value));

    private static Dictionary<string, object?> Ops(params (string Op, object? Value)[] pairs) => pairs.ToDictionary(p => p.Op, p => p.Value);

    private static string Rejected(Func<TaskQuery> build) => Assert.Throws<ArgumentException>(() => build()).Message;

    [Theory]
    [InlineData("msg_id", TaskField.MsgId)]
    [InlineData("MsgId", TaskField.MsgId)]
    [InlineData("msgid", TaskField.MsgId)]
    [InlineData("engine_id", TaskField.EngineId)]
    [InlineData("client_uuid", TaskField.SessionId)]
    [InlineData("session_id", TaskField.SessionId)]
    [InlineData("SessionId", TaskField.SessionId)]
    [InlineData("execute_result", TaskField.ExecuteResult)]
    [InlineData("resubmitted_from", TaskField.ResubmittedFrom)]
    [InlineData("resubmitted", TaskField.Resubmitted)]
    [InlineData("SUBMITTED", TaskField.Submitted)]
    [InlineData("request", TaskField.Request)]
    public void ParseField_SnakeCaseAndEnumNames(string name, TaskField expected)
    {
        Assert.Equal(expected, TaskQuery.ParseField(name));
    }

    [Fact]
    public void ParseField_Unknown_ListsTheFields()
    {
        var message = Assert.Throws<ArgumentException>(() => TaskQuery.ParseField("sumbitted")).Message;

        Assert.Contains("Unknown field 'sumbitted'", message);
        Assert.Contains("msg_id, engine_id, submitted", message);
        Assert.Contains("client_uuid", message);
        Assert.Throws<ArgumentException>(() => TaskQuery.ParseField("3"));
        Assert.Throws<ArgumentException>(() => TaskQuery.ParseField(""));
    }

    [Fact]
    public void Parse_PlainValue_IsEq_AndOperatorsBecomeConditions()
    {
        var id = Guid.NewGuid();
        var query = Parse(
            ("msg_id", id.ToString()),
            ("engine_id", Ops(("$gte", (byte)1), ("$lt", 4L))),
            ("Label", Ops(("$in", new List<string?> { "a", null }))),
            ("stdout", Ops(("$exists", false))),
            ("status", "OK"),
            ("balanced", true));

        Assert.Equal(
            [
                new TaskCondition(TaskField.MsgId, QueryOperator.Eq, id),
                new TaskCondition(TaskField.EngineId, QueryOperator.Gte, 1),
                new TaskCondition(TaskField.EngineId, QueryOperator.Lt, 4),
                new TaskCondition(TaskField.Stdout, QueryOperator.Exists, false),
                new TaskCondition(TaskField.Status, QueryOperator.Eq, TaskStatus.Ok),
                new TaskCondition(TaskField.Balanced, QueryOperator.Eq, true),
            ],
            query.Conditions.Where(c => c.Field != TaskField.Label));
        var label = Assert.Single(query.Conditions, c => c.Field == TaskField.Label);
        Assert.Equal(QueryOperator.In, label.Operator);
        Assert.Equal(new object?[] { "a", null }, Assert.IsType<object?[]>(label.Value));
    }

    [Fact]
    public void Parse_Dates_NormalisedToUtc()
    {
        var local = new DateTime(2026, 3, 4, 5, 6, 7, DateTimeKind.Local);
        var query = Parse(
            ("submitted", Ops(("$gte", new DateTimeOffset(2026, 3, 4, 7, 6, 7, TimeSpan.FromHours(2))))),
            ("started", Ops(("$lt", new DateTime(2026, 3, 4, 5, 6, 7, DateTimeKind.Unspecified)))),
            ("completed", Ops(("$lte", local))),
            ("received", Ops(("$gt", "2026-03-04T05:06:07.5Z"))));

        var values = query.Conditions.Select(c => Assert.IsType<DateTime>(c.Value)).ToArray();
        Assert.All(values, v => Assert.Equal(DateTimeKind.Utc, v.Kind));
        Assert.Equal(T0, values[0]);
        Assert.Equal(T0, values[1]);
        Assert.Equal(local.ToUniversalTime(), values[2]);
        Assert.Equal(T0.AddMilliseconds(500), values[3]);
    }

    [Theory]
    [InlineData("2026-03-04")]
    [InlineData("2026-03-04T05:06:07")]
    [InlineData("2026-03-04T05:06:07.123456")]
    [InlineData("2026-03-04 05:06:07.123456")]
    [InlineData("2026-03-04T05:06:07Z")]
    [InlineData("2026-03-04T07:06:07+02:00")]
    public void Parse_IsoText_ForDateFields(string text)
    {
        var value = Assert.IsType<DateTime>(Assert.Single(Parse(("submitted", Ops(("$gt", text)))).Conditions).Value);

        Assert.Equal(DateTimeKind.Utc, value.Kind);
        Assert.Equal(new DateTime(2026, 3, 4), value.Date);
    }

    [Fact]
    public void FromJson_ReadsWhatAnIpyparallelClientSends()
    {
        var id = Guid.NewGuid();
        var query = TaskQuery.FromJson($$"""
            {
              "submitted": { "$gte": "2026-03-04T05:06:07", "$lt": "2026-03-04T06:00:00+01:00" },
              "engine_id": { "$in": [0, 2, null] },
              "client_uuid": "{{id}}",
              "status": { "$ne": "pending" },
              "label": null,
              "error": { "$exists": false },
              "balanced": true
            }
            """);

        var c = query.Conditions;
        Assert.Equal(8, c.Count);
        Assert.Equal(new TaskCondition(TaskField.Submitted, QueryOperator.Gte, T0), c[0]);
        Assert.Equal(new TaskCondition(TaskField.Submitted, QueryOperator.Lt, new DateTime(2026, 3, 4, 5, 0, 0, DateTimeKind.Utc)), c[1]);
        Assert.Equal(new object?[] { 0, 2, null }, Assert.IsType<object?[]>(c[2].Value));
        Assert.Equal(new TaskCondition(TaskField.SessionId, QueryOperator.Eq, id), c[3]);
        Assert.Equal(new TaskCondition(TaskField.Status, QueryOperator.Ne, TaskStatus.Pending), c[4]);
        Assert.Equal(new TaskCondition(TaskField.Label, QueryOperator.Eq, null), c[5]);
        Assert.Equal(new TaskCondition(TaskField.Error, QueryOperator.Exists, false), c[6]);
        Assert.Equal(new TaskCondition(TaskField.Balanced, QueryOperator.Eq, true), c[7]);
    }

    [Fact]
    public void Parse_JsonElementValues_AsFromJson()
    {
        var read = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, object?>>(
            "{\"engine_id\": {\"$gt\": 1}, \"completed\": {\"$exists\": true}, \"label\": \"x\"}")!;

        var query = TaskQuery.Parse(read);

        Assert.Equal(
            [
                new TaskCondition(TaskField.EngineId, QueryOperator.Gt, 1),
                new TaskCondition(TaskField.Completed, QueryOperator.Exists, true),
                new TaskCondition(TaskField.Label, QueryOperator.Eq, "x"),
            ],
            query.Conditions);
    }

    [Fact]
    public void FromJson_Rejects_NonObjectsBadJsonAndDuplicates()
    {
        Assert.Contains("JSON object", Rejected(() => TaskQuery.FromJson("[1, 2]")));
        Assert.Contains("not valid JSON", Rejected(() => TaskQuery.FromJson("{\"label\": ")));
        Assert.Contains("twice", Rejected(() => TaskQuery.FromJson("{\"label\": 1, \"label\": 2}")));
        Assert.Contains("engine id", Rejected(() => TaskQuery.FromJson("{\"engine_id\": 1.5}")));
        Assert.Empty(TaskQuery.FromJson("{}").Conditions);
    }

    [Fact]
    public void WhereAnd_BuildsNormalisedConditions()
    {
        var query = TaskQuery.Where(TaskField.EngineId, QueryOperator.In, new long[] { 1, 2 })
            .And(TaskField.Submitted, QueryOperator.Gte, new DateTimeOffset(T0))
            .And(TaskField.MsgId, QueryOperator.Nin, new[] { Guid.Empty });

        Assert.Equal(new object?[] { 1, 2 }, Assert.IsType<object?[]>(query.Conditions[0].Value));
        Assert.Equal(T0, query.Conditions[1].Value);
        Assert.Equal(new object?[] { Guid.Empty }, Assert.IsType<object?[]>(query.Conditions[2].Value));
    }

    [Fact]
    public void Validate_NormalisesWhatCameOverTheWire()
    {
        var id = Guid.NewGuid();
        var raw = new TaskQuery([
            new TaskCondition(TaskField.EngineId, QueryOperator.Eq, 3L),
            new TaskCondition(TaskField.MsgId, QueryOperator.In, new List<object> { id.ToString("N") }),
            new TaskCondition(TaskField.Status, QueryOperator.Eq, "Aborted"),
        ]);

        var valid = raw.Validate();

        Assert.Equal(3, valid.Conditions[0].Value);
        Assert.Equal(new object?[] { id }, Assert.IsType<object?[]>(valid.Conditions[1].Value));
        Assert.Equal(TaskStatus.Aborted, valid.Conditions[2].Value);
        Assert.Equal(valid.Conditions, valid.Validate().Conditions, new ConditionComparer()); // normalising twice changes nothing
    }

    [Fact]
    public void Reject_UnknownOperator_NamesItAndWhatApplies()
    {
        var message = Rejected(() => Parse(("label", Ops(("$regex", "a.*")))));

        Assert.Contains("Operator '$regex' is not supported for 'label'", message);
        Assert.Contains("$lt $gt $lte $gte $eq $ne $in $nin $exists", message);
    }

    [Theory]
    [InlineData("error")]
    [InlineData("result")]
    [InlineData("request")]
    public void Reject_ComparisonsOnObjectFields_OnlyExistsApplies(string field)
    {
        var message = Rejected(() => Parse((field, Ops(("$eq", "x")))));
        Assert.Contains($"'$eq' is not supported for '{field}'; use $exists", message);

        Assert.Contains("not supported", Rejected(() => Parse((field, null))));
        Assert.Single(Parse((field, Ops(("$exists", true)))).Conditions);
    }

    [Fact]
    public void Reject_OrderingOnBalanced()
    {
        Assert.Contains("'$gt' is not supported for 'balanced'; use $eq $ne $in $nin $exists", Rejected(() => TaskQuery.Where(TaskField.Balanced, QueryOperator.Gt, false)));
    }

    [Theory]
    [InlineData("engine_id", "three", "an engine id")]
    [InlineData("engine_id", 2.5, "an engine id")]
    [InlineData("engine_id", -1, "0 to")]
    [InlineData("msg_id", "not-a-guid", "a guid")]
    [InlineData("submitted", "yesterday", "a date")]
    [InlineData("submitted", 12345, "a date")]
    [InlineData("status", "done", "pending, ok, error, aborted")]
    [InlineData("status", 1, "a status")]
    [InlineData("label", 7, "text")]
    [InlineData("balanced", "yes", "true or false")]
    public void Reject_WrongValueType_NamesFieldValueAndWhatItTakes(string field, object value, string accepted)
    {
        var message = Rejected(() => Parse((field, value)));

        Assert.Contains($"'{field}'", message);
        Assert.Contains(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!, message);
        Assert.Contains(accepted, message);
    }

    [Fact]
    public void Reject_OrderingWithNull()
    {
        var message = Rejected(() => Parse(("completed", Ops(("$lt", null)))));

        Assert.Contains("'$lt' on 'completed' cannot compare with null", message);
        Assert.Contains("$exists", message);
    }

    [Fact]
    public void Reject_ExistsWithoutBool()
    {
        Assert.Contains("'$exists' on 'label' takes true or false", Rejected(() => Parse(("label", Ops(("$exists", "yes"))))));
        Assert.Contains("takes true or false", Rejected(() => TaskQuery.FromJson("{\"label\": {\"$exists\": 1}}")));
    }

    [Fact]
    public void Reject_InWithoutAList_OrWithABadElement()
    {
        Assert.Contains("takes a list", Rejected(() => Parse(("label", Ops(("$in", "abc"))))));
        Assert.Contains("takes a list", Rejected(() => Parse(("engine_id", Ops(("$nin", 3))))));
        Assert.Contains("'x'", Rejected(() => Parse(("engine_id", Ops(("$in", new object[] { 1, "x" }))))));
    }

    [Fact]
    public void Reject_EmptyOperatorSet_AndUndefinedEnumsFromTheWire()
    {
        Assert.Contains("has no operator", Rejected(() => Parse(("label", Ops()))));
        Assert.Contains("Unknown field 99", Rejected(() => new TaskQuery([new TaskCondition((TaskField)99, QueryOperator.Eq, null)]).Validate()));
        Assert.Contains("Operator 42", Rejected(() => new TaskQuery([new TaskCondition(TaskField.Label, (QueryOperator)42, null)]).Validate()));
        Assert.Contains("a status", Rejected(() => TaskQuery.Where(TaskField.Status, QueryOperator.Eq, (TaskStatus)17)));
        Assert.Contains("is null", Rejected(() => new TaskQuery([null!]).Validate()));
        Assert.Contains("no list", Rejected(() => new TaskQuery(null!).Validate()));
    }

    [Fact]
    public void Matches_NullSemantics_AsMongoDb()
    {
        var unset = new TaskRecord { MsgId = Guid.NewGuid() };
        var set = new TaskRecord { MsgId = Guid.NewGuid(), EngineId = 2, Label = "b", Submitted = T0, Status = TaskStatus.Ok };

        bool Both(TaskQuery q, bool forUnset, bool forSet) => q.Matches(unset) == forUnset && q.Matches(set) == forSet;

        Assert.True(Both(TaskQuery.Where(TaskField.Label, QueryOperator.Eq, null), true, false));
        Assert.True(Both(TaskQuery.Where(TaskField.Label, QueryOperator.Ne, null), false, true));
        Assert.True(Both(TaskQuery.Where(TaskField.Label, QueryOperator.Ne, "b"), true, false));
        Assert.True(Both(TaskQuery.Where(TaskField.Label, QueryOperator.Ne, "c"), true, true));
        Assert.True(Both(TaskQuery.Where(TaskField.Label, QueryOperator.Lt, "c"), false, true));
        Assert.True(Both(TaskQuery.Where(TaskField.Label, QueryOperator.Gte, ""), false, true));
        Assert.True(Both(TaskQuery.Where(TaskField.Label, QueryOperator.In, new[] { "b", null }), true, true));
        Assert.True(Both(TaskQuery.Where(TaskField.Label, QueryOperator.In, new[] { "c" }), false, false));
        Assert.True(Both(TaskQuery.Where(TaskField.Label, QueryOperator.Nin, new[] { "c" }), true, true));
        Assert.True(Both(TaskQuery.Where(TaskField.Label, QueryOperator.Nin, new[] { "c", null }), false, true));
        Assert.True(Both(TaskQuery.Where(TaskField.Label, QueryOperator.Exists, true), false, true));
        // Engine -1 is "no engine": not set.
        Assert.True(Both(TaskQuery.Where(TaskField.EngineId, QueryOperator.Lt, 5), false, true));
        Assert.True(Both(TaskQuery.Where(TaskField.EngineId, QueryOperator.Eq, null), true, false));
        Assert.True(Both(TaskQuery.Where(TaskField.EngineId, QueryOperator.Exists, false), true, false));
        // Dates compare by ticks; an unset date never matches an ordering.
        Assert.True(Both(TaskQuery.Where(TaskField.Submitted, QueryOperator.Lte, T0), false, true));
        Assert.True(Both(TaskQuery.Where(TaskField.Submitted, QueryOperator.Gt, T0), false, false));
        // Status is always set.
        Assert.True(Both(TaskQuery.Where(TaskField.Status, QueryOperator.Exists, true), true, true));
        Assert.True(Both(TaskQuery.Where(TaskField.Status, QueryOperator.Gt, TaskStatus.Pending), false, true));
        Assert.True(Both(TaskQuery.Where(TaskField.Status, QueryOperator.Eq, null), false, false));
        Assert.True(Both(TaskQuery.All, true, true));
    }

    [Fact]
    public void Matches_StringsOrdinal_GuidsByCompareTo()
    {
        var record = new TaskRecord { MsgId = new Guid("10000000-0000-0000-0000-000000000000"), Label = "a" };

        Assert.True(TaskQuery.Where(TaskField.Label, QueryOperator.Gt, "B").Matches(record)); // 'a' (97) > 'B' (66)
        Assert.True(TaskQuery.Where(TaskField.MsgId, QueryOperator.Gt, new Guid("0fffffff-ffff-ffff-ffff-ffffffffffff")).Matches(record));
        Assert.True(TaskQuery.Where(TaskField.MsgId, QueryOperator.Lt, "20000000-0000-0000-0000-000000000000").Matches(record));
    }

    [Fact]
    public void Matches_UnvalidatedWrongType_Throws()
    {
        var raw = new TaskQuery([new TaskCondition(TaskField.EngineId, QueryOperator.Eq, 3L)]);

        Assert.Throws<ArgumentException>(() => raw.Matches(new TaskRecord { MsgId = Guid.NewGuid(), EngineId = 3 }));
        Assert.True(raw.Validate().Matches(new TaskRecord { MsgId = Guid.NewGuid(), EngineId = 3 }));
    }

    private sealed class ConditionComparer : IEqualityComparer<TaskCondition>
    {
        public bool Equals(TaskCondition? x, TaskCondition? y) =>
            x is not null && y is not null && x.Field == y.Field && x.Operator == y.Operator
            && (x.Value is object?[] a && y.Value is object?[] b ? a.SequenceEqual(b) : Equals(x.Value, y.Value));

        public int GetHashCode(TaskCondition obj) => HashCode.Combine(obj.Field, obj.Operator);
    }
}
