using NpgsqlTypes;
using Orleans.Parallel.Hub;

namespace Orleans.Parallel.Grains.Hub.Store.Postgres;

/// <summary>What a column holds, which decides the values a condition on it may carry.</summary>
internal enum ColumnKind
{
    /// <summary>uuid.</summary>
    Guid,
    /// <summary>integer (the engine id; -1 is stored as NULL).</summary>
    Int,
    /// <summary>timestamptz, written and read as UTC.</summary>
    Time,
    /// <summary>smallint holding an <see cref="Orleans.Parallel.Engine.TaskStatus"/>.</summary>
    Status,
    /// <summary>text, collated "C".</summary>
    Text,
    /// <summary>boolean.</summary>
    Bool,
    /// <summary>bytea holding an Orleans-serialized value: only <c>$exists</c> applies.</summary>
    Blob,
}

/// <summary>A column of <see cref="PostgresSchema.Table"/>: its name (a constant of this file, never user text) and kind.</summary>
internal sealed record TaskColumn(string Name, ColumnKind Kind)
{
    /// <summary>The PostgreSQL type of a value of this column.</summary>
    public NpgsqlDbType DbType => Kind switch
    {
        ColumnKind.Guid => NpgsqlDbType.Uuid,
        ColumnKind.Int => NpgsqlDbType.Integer,
        ColumnKind.Time => NpgsqlDbType.TimestampTz,
        ColumnKind.Status => NpgsqlDbType.Smallint,
        ColumnKind.Text => NpgsqlDbType.Text,
        ColumnKind.Bool => NpgsqlDbType.Boolean,
        _ => NpgsqlDbType.Bytea,
    };
}

/// <summary>
/// The one place where a <see cref="TaskField"/> becomes a column name: queries and projections
/// take names only from here, so nothing a client sends ever reaches the SQL text.
/// </summary>
internal static class TaskColumns
{
    public static readonly TaskColumn MsgId = new("msg_id", ColumnKind.Guid);
    public static readonly TaskColumn Placement = new("placement", ColumnKind.Blob);

    private static readonly Dictionary<TaskField, TaskColumn> ByField = new()
    {
        [TaskField.MsgId] = MsgId,
        [TaskField.EngineId] = new("engine_id", ColumnKind.Int),
        [TaskField.Submitted] = new("submitted", ColumnKind.Time),
        [TaskField.Started] = new("started", ColumnKind.Time),
        [TaskField.Completed] = new("completed", ColumnKind.Time),
        [TaskField.Received] = new("received", ColumnKind.Time),
        [TaskField.Status] = new("status", ColumnKind.Status),
        [TaskField.Label] = new("label", ColumnKind.Text),
        [TaskField.SessionId] = new("session_id", ColumnKind.Guid),
        [TaskField.Stdout] = new("stdout", ColumnKind.Text),
        [TaskField.Stderr] = new("stderr", ColumnKind.Text),
        [TaskField.ExecuteResult] = new("execute_result", ColumnKind.Text),
        [TaskField.ResubmittedFrom] = new("resubmitted_from", ColumnKind.Guid),
        [TaskField.Resubmitted] = new("resubmitted", ColumnKind.Guid),
        [TaskField.Balanced] = new("balanced", ColumnKind.Bool),
        [TaskField.Error] = new("error", ColumnKind.Blob),
        [TaskField.Result] = new("result", ColumnKind.Blob),
        [TaskField.Request] = new("request", ColumnKind.Blob),
    };

    /// <summary>Every column a full record is read from.</summary>
    public static readonly IReadOnlyList<string> All = [.. ByField.Values.Select(c => c.Name), Placement.Name];

    /// <summary>The column of a field.</summary>
    /// <exception cref="ArgumentException">The field is not one of <see cref="TaskField"/>'s (a client sent a number out of range).</exception>
    public static TaskColumn Of(TaskField field) =>
        ByField.TryGetValue(field, out var column) ? column : throw new ArgumentException($"Unknown task field {(int)field}.", nameof(field));

    /// <summary>The columns that fill the fields of <paramref name="keys"/> (all when null): msg_id always, and a request brings its placement.</summary>
    public static IReadOnlyList<string> Selected(IReadOnlyCollection<TaskField>? keys)
    {
        if (keys is null) return All;
        var names = new List<string> { MsgId.Name };
        foreach (var key in keys)
        {
            var name = Of(key).Name;
            if (!names.Contains(name)) names.Add(name);
            if (key == TaskField.Request && !names.Contains(Placement.Name)) names.Add(Placement.Name);
        }
        return names;
    }
}
