using TaskStatus = Orleans.Parallel.Engine.TaskStatus;

namespace Orleans.Parallel.Hub;

/// <summary>
/// Evaluating a query in memory, with the semantics of MongoDB and ipyparallel's <c>DictDB</c>, so
/// that every store answers alike: a field that is not set (null; an <see cref="TaskRecord.EngineId"/>
/// of -1) never matches an ordering (<c>$lt</c> ...), equals null, differs from every value, and is
/// outside every list without null in it.
/// </summary>
public sealed partial record TaskQuery
{
    /// <summary>
    /// Whether <paramref name="record"/> meets every condition. The query should be normalised
    /// first (<see cref="Validate"/>); strings compare ordinally, dates by ticks, status by enum
    /// value, guids by <see cref="Guid.CompareTo(Guid)"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A condition's value is not of its field's type (the query was not validated).</exception>
    public bool Matches(TaskRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        foreach (var condition in Conditions ?? [])
            if (!Holds(condition, ValueOf(record, condition.Field))) return false;
        return true;
    }

    /// <summary>The record's value of <paramref name="field"/>, null when it is not set.</summary>
    private static object? ValueOf(TaskRecord record, TaskField field) => field switch
    {
        TaskField.MsgId => record.MsgId,
        TaskField.EngineId => record.EngineId < 0 ? null : record.EngineId,
        TaskField.Submitted => record.Submitted,
        TaskField.Started => record.Started,
        TaskField.Completed => record.Completed,
        TaskField.Received => record.Received,
        TaskField.Status => record.Status,
        TaskField.Label => record.Label,
        TaskField.SessionId => record.SessionId,
        TaskField.Stdout => record.Stdout,
        TaskField.Stderr => record.Stderr,
        TaskField.ExecuteResult => record.ExecuteResult,
        TaskField.ResubmittedFrom => record.ResubmittedFrom,
        TaskField.Resubmitted => record.Resubmitted,
        TaskField.Balanced => record.Balanced,
        TaskField.Error => record.Error,
        TaskField.Result => record.Result,
        TaskField.Request => record.Request,
        _ => throw Bad($"Unknown field {(int)field} in the task query; fields are {FieldList}."),
    };

    private static bool Holds(TaskCondition condition, object? actual)
    {
        var expected = condition.Value;
        return condition.Operator switch
        {
            QueryOperator.Eq => EqualTo(actual, expected),
            QueryOperator.Ne => !EqualTo(actual, expected),
            QueryOperator.Lt => actual is not null && Compare(condition, actual, expected) < 0,
            QueryOperator.Gt => actual is not null && Compare(condition, actual, expected) > 0,
            QueryOperator.Lte => actual is not null && Compare(condition, actual, expected) <= 0,
            QueryOperator.Gte => actual is not null && Compare(condition, actual, expected) >= 0,
            QueryOperator.In => InList(condition, actual),
            QueryOperator.Nin => !InList(condition, actual),
            QueryOperator.Exists => expected is bool exists
                ? (actual is not null) == exists
                : throw Bad($"Operator '$exists' on '{NameOf(condition.Field)}' takes true or false, not {Describe(expected)}."),
            _ => throw Bad($"Operator {(int)condition.Operator} is not supported for '{NameOf(condition.Field)}'; use {OperatorList(condition.Field)}."),
        };

        bool EqualTo(object? a, object? b) => a is null || b is null ? a is null && b is null : Compare(condition, a, b) == 0;

        bool InList(TaskCondition c, object? a) => c.Value is object?[] list
            ? list.Any(b => EqualTo(a, b))
            : throw Bad($"Operator '{NameOf(c.Operator)}' on '{NameOf(c.Field)}' takes a list, not {Describe(c.Value)}.");
    }

    private static int Compare(TaskCondition condition, object actual, object? expected) => (actual, expected) switch
    {
        (Guid a, Guid b) => a.CompareTo(b),
        (int a, int b) => a.CompareTo(b),
        (DateTime a, DateTime b) => a.Ticks.CompareTo(b.Ticks),
        (TaskStatus a, TaskStatus b) => ((int)a).CompareTo((int)b),
        (string a, string b) => string.CompareOrdinal(a, b),
        (bool a, bool b) => a.CompareTo(b),
        _ => throw Bad($"Value {Describe(expected)} for '{NameOf(condition.Field)}' with '{NameOf(condition.Operator)}' is not {KindOf(condition.Field)}; validate the query first."),
    };
}
