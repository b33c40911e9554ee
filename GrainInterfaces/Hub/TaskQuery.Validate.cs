using System.Collections;
using System.Globalization;
using TaskStatus = Orleans.Parallel.Engine.TaskStatus;

namespace Orleans.Parallel.Hub;

/// <summary>
/// Checking and normalising conditions. Every way of building a query ends here, and a store checks
/// again what a client sent (it crossed the wire, so it may be anything): after it, each value has
/// exactly its field's type (<see cref="Guid"/>, <see cref="int"/>, UTC <see cref="DateTime"/>,
/// <see cref="TaskStatus"/>, <see cref="string"/> or <see cref="bool"/>), lists are
/// <c>object?[]</c>, and stores compare without converting.
/// </summary>
public sealed partial record TaskQuery
{
    /// <summary>ISO-8601 forms accepted for dates given as text (Python's isoformat among them); no zone means UTC.</summary>
    private static readonly string[] IsoFormats =
    [
        .. from time in new[] { "", "'T'HH:mm", "'T'HH:mm:ss", "'T'HH:mm:ss.FFFFFFF", " HH:mm", " HH:mm:ss", " HH:mm:ss.FFFFFFF" }
           from zone in time.Length == 0 ? new[] { "" } : new[] { "", "'Z'", "zzz" }
           select "yyyy-MM-dd" + time + zone,
    ];

    /// <summary>
    /// Checks every condition and returns the query with its values normalised (dates in UTC,
    /// integral engine ids as <see cref="int"/>, guid text as <see cref="Guid"/>, status names as
    /// <see cref="TaskStatus"/>, lists as <c>object?[]</c>). Stores call it on what clients send.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// A condition names an unknown field or operator, an operator that does not apply to its field,
    /// or a value that is not of the field's type; the message names it and what is accepted.
    /// </exception>
    public TaskQuery Validate()
    {
        if (Conditions is null) throw Bad("The task query has no list of conditions; use TaskQuery.All to match every record.");
        var normalised = new TaskCondition[Conditions.Count];
        for (var i = 0; i < normalised.Length; i++)
        {
            var condition = Conditions[i] ?? throw Bad($"Condition {i} of the task query is null.");
            normalised[i] = Condition(condition.Field, condition.Operator, condition.Value);
        }
        return new TaskQuery(normalised);
    }

    /// <summary>Whether <paramref name="op"/> can be used on <paramref name="field"/>.</summary>
    public static bool Applies(TaskField field, QueryOperator op) => field switch
    {
        // Their values are objects, not compared: only whether there is one.
        TaskField.Error or TaskField.Result or TaskField.Request => op == QueryOperator.Exists,
        // false < true means nothing a user would ask for.
        TaskField.Balanced => op is not (QueryOperator.Lt or QueryOperator.Gt or QueryOperator.Lte or QueryOperator.Gte),
        _ => true,
    };

    /// <summary>One checked condition with its value normalised.</summary>
    private static TaskCondition Condition(TaskField field, QueryOperator op, object? value)
    {
        if (!Enum.IsDefined(field)) throw Bad($"Unknown field {(int)field} in the task query; fields are {FieldList}.");
        if (!Enum.IsDefined(op)) throw Bad($"Operator {(int)op} is not supported for '{NameOf(field)}'; use {OperatorList(field)}.");
        if (!Applies(field, op)) throw Bad($"Operator '{NameOf(op)}' is not supported for '{NameOf(field)}'; use {OperatorList(field)}.");
        var normalised = op switch
        {
            QueryOperator.Exists => value is bool ? value : throw Bad($"Operator '$exists' on '{NameOf(field)}' takes true or false, not {Describe(value)}."),
            QueryOperator.In or QueryOperator.Nin => List(field, op, value),
            QueryOperator.Eq or QueryOperator.Ne => value is null ? null : Scalar(field, op, value),
            _ => value is null
                ? throw Bad($"Operator '{NameOf(op)}' on '{NameOf(field)}' cannot compare with null (a field that is not set never matches it); use $exists or $eq null to find records where it is not set.")
                : Scalar(field, op, value),
        };
        return new TaskCondition(field, op, normalised);
    }

    /// <summary>The value list of <c>$in</c>/<c>$nin</c>: any list but text, each element checked (null means "not set").</summary>
    private static object?[] List(TaskField field, QueryOperator op, object? value)
    {
        if (value is null or string or not IEnumerable)
            throw Bad($"Operator '{NameOf(op)}' on '{NameOf(field)}' takes a list of {KindOf(field)} values, not {Describe(value)}.");
        var list = new List<object?>();
        foreach (var element in (IEnumerable)value) list.Add(element is null ? null : Scalar(field, op, element));
        return [.. list];
    }

    /// <summary>A value of the field's type, normalised; anything else is an error that says what the field takes.</summary>
    private static object Scalar(TaskField field, QueryOperator op, object value)
    {
        object? normalised = field switch
        {
            TaskField.MsgId or TaskField.SessionId or TaskField.ResubmittedFrom or TaskField.Resubmitted => value switch
            {
                Guid guid => guid,
                string text when Guid.TryParse(text, out var parsed) => parsed,
                _ => null,
            },
            TaskField.EngineId => EngineIdOf(field, op, value),
            TaskField.Submitted or TaskField.Started or TaskField.Completed or TaskField.Received => value switch
            {
                DateTime time => ToUtc(time),
                DateTimeOffset offset => offset.UtcDateTime,
                string text when DateTimeOffset.TryParseExact(text, IsoFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) => parsed.UtcDateTime,
                _ => null,
            },
            TaskField.Status => value switch
            {
                TaskStatus status when Enum.IsDefined(status) => status,
                string text => Enum.GetValues<TaskStatus>().Cast<TaskStatus?>().FirstOrDefault(s => string.Equals(s.ToString(), text, StringComparison.OrdinalIgnoreCase)),
                _ => null,
            },
            TaskField.Label or TaskField.Stdout or TaskField.Stderr or TaskField.ExecuteResult => value as string,
            TaskField.Balanced => value as bool?,
            _ => null,
        };
        return normalised ?? throw Bad($"Value {Describe(value)} for '{NameOf(field)}' with '{NameOf(op)}' is not {KindOf(field)}.");
    }

    /// <summary>An engine id as <see cref="int"/>: any integral value that fits, 0 or more (-1 in a record means "no engine", which is null in a query).</summary>
    private static object? EngineIdOf(TaskField field, QueryOperator op, object value)
    {
        long? id = value switch
        {
            sbyte n => n, byte n => n, short n => n, ushort n => n, int n => n, uint n => n, long n => n, nint n => n,
            ulong n => n > long.MaxValue ? long.MaxValue : (long)n,
            nuint n => n > long.MaxValue ? long.MaxValue : (long)n,
            Int128 n => n > long.MaxValue ? long.MaxValue : n < long.MinValue ? long.MinValue : (long)n,
            UInt128 n => n > long.MaxValue ? long.MaxValue : (long)n,
            _ => null,
        };
        if (id is null) return null;
        if (id is < 0 or > int.MaxValue)
            throw Bad($"Value {Describe(value)} for '{NameOf(field)}' with '{NameOf(op)}' is not an engine id; engine ids are integers from 0 to {int.MaxValue} (use null for a task with no engine).");
        return (int)id.Value;
    }

    /// <summary>A time in UTC: local times are converted, times of unspecified kind are taken as UTC already.</summary>
    private static DateTime ToUtc(DateTime time) => time.Kind switch
    {
        DateTimeKind.Local => time.ToUniversalTime(),
        DateTimeKind.Unspecified => DateTime.SpecifyKind(time, DateTimeKind.Utc),
        _ => time,
    };

    /// <summary>What a field takes, for messages.</summary>
    private static string KindOf(TaskField field) => field switch
    {
        TaskField.MsgId or TaskField.SessionId or TaskField.ResubmittedFrom or TaskField.Resubmitted => "a guid (a Guid or its text)",
        TaskField.EngineId => "an engine id (an integer, 0 or more)",
        TaskField.Submitted or TaskField.Started or TaskField.Completed or TaskField.Received => "a date (a DateTime, a DateTimeOffset or ISO-8601 text)",
        TaskField.Status => $"a status ({string.Join(", ", Enum.GetNames<TaskStatus>().Select(n => n.ToLowerInvariant()))}; a TaskStatus or its name)",
        TaskField.Balanced => "true or false",
        TaskField.Error or TaskField.Result or TaskField.Request => "compared (only $exists applies)",
        _ => "text",
    };
}
