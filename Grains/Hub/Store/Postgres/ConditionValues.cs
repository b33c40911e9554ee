using System.Collections;
using Orleans.Parallel.Hub;
using TaskStatus = Orleans.Parallel.Engine.TaskStatus;

namespace Orleans.Parallel.Grains.Hub.Store.Postgres;

/// <summary>
/// Checks a condition's value against its column and turns it into the value written to the
/// parameter. Queries come from clients, so nothing is assumed of their values: a value of the
/// wrong type is an <see cref="ArgumentException"/> that names the field, operator and value.
/// </summary>
internal static class ConditionValues
{
    /// <summary>The value for a comparison (<c>$lt</c>…<c>$gte</c>): it must be set.</summary>
    public static object Ordered(TaskCondition condition, TaskColumn column) =>
        Convert(condition, column, condition.Value)
        ?? throw Wrong(condition, condition.Value, $"a {Expected(column)} (a comparison with null matches nothing)");

    /// <summary>
    /// The value for an equality (<c>$eq</c>, <c>$ne</c>, each item of <c>$in</c>/<c>$nin</c>), or
    /// null for "not set": a negative engine id means no engine, as in <see cref="TaskRecord"/>.
    /// </summary>
    public static object? Equality(TaskCondition condition, TaskColumn column, object? value)
    {
        var converted = Convert(condition, column, value);
        return converted is int engine && engine < 0 ? null : converted;
    }

    /// <summary>The items of a <c>$in</c>/<c>$nin</c> list.</summary>
    public static IEnumerable<object?> List(TaskCondition condition) =>
        condition.Value is IEnumerable items and not string and not byte[]
            ? items.Cast<object?>()
            : throw Wrong(condition, condition.Value, "a list");

    /// <summary>The value of <c>$exists</c>.</summary>
    public static bool Exists(TaskCondition condition) =>
        condition.Value is bool exists ? exists : throw Wrong(condition, condition.Value, "true or false");

    /// <summary>The CLR type of a column's parameter values (the element type of a <c>$in</c> array).</summary>
    public static Type ClrType(TaskColumn column) => column.Kind switch
    {
        ColumnKind.Guid => typeof(Guid),
        ColumnKind.Int => typeof(int),
        ColumnKind.Time => typeof(DateTime),
        ColumnKind.Status => typeof(short),
        ColumnKind.Text => typeof(string),
        ColumnKind.Bool => typeof(bool),
        _ => typeof(byte[]),
    };

    /// <summary>A time as PostgreSQL's timestamptz wants it: UTC (an unspecified kind is taken as UTC, as records' times are).</summary>
    public static DateTime Utc(DateTime time) => time.Kind switch
    {
        DateTimeKind.Utc => time,
        DateTimeKind.Local => time.ToUniversalTime(),
        _ => DateTime.SpecifyKind(time, DateTimeKind.Utc),
    };

    private static object? Convert(TaskCondition condition, TaskColumn column, object? value) => value switch
    {
        null => null,
        Guid guid when column.Kind == ColumnKind.Guid => guid,
        DateTime time when column.Kind == ColumnKind.Time => Utc(time),
        DateTimeOffset time when column.Kind == ColumnKind.Time => time.UtcDateTime,
        TaskStatus status when column.Kind == ColumnKind.Status && Enum.IsDefined(status) => (short)status,
        string text when column.Kind == ColumnKind.Text => text,
        bool flag when column.Kind == ColumnKind.Bool => flag,
        { } other when column.Kind == ColumnKind.Int && Integer(other) is { } number => number,
        _ => throw Wrong(condition, value, $"a {Expected(column)}"),
    };

    /// <summary>An integer of any width that fits an engine id (a JSON number may arrive as a long).</summary>
    private static int? Integer(object value) => value switch
    {
        int i => i,
        long l when l is >= int.MinValue and <= int.MaxValue => (int)l,
        short s => s,
        sbyte b => b,
        byte b => b,
        ushort u => u,
        uint u when u <= int.MaxValue => (int)u,
        _ => null,
    };

    private static string Expected(TaskColumn column) => column.Kind switch
    {
        ColumnKind.Guid => "Guid",
        ColumnKind.Int => "32-bit integer",
        ColumnKind.Time => "DateTime",
        ColumnKind.Status => "TaskStatus (Pending, Ok, Error or Aborted)",
        ColumnKind.Text => "string",
        ColumnKind.Bool => "bool",
        _ => "value",
    };

    private static ArgumentException Wrong(TaskCondition condition, object? value, string expected) =>
        new($"Query on {condition.Field} with {SqlQuery.OperatorName(condition.Operator)}: the value {Describe(value)} is not {expected}.", "query");

    /// <summary>The value for an error message, cut short: it comes from a client and may be large.</summary>
    private static string Describe(object? value)
    {
        if (value is null) return "null";
        var text = value is string s ? $"\"{s}\"" : value.ToString() ?? "";
        if (text.Length > 80) text = text[..80] + "…";
        return $"{text} ({value.GetType().Name})";
    }
}
