using Orleans.Parallel.Hub;

namespace Orleans.Parallel.Grains.Hub.Store;

/// <summary>
/// The <c>keys</c> of a task query (ipyparallel's <c>db_query(query, keys)</c>): only the fields
/// asked for travel back, so a client listing ids and times does not receive every result.
/// </summary>
internal static class TaskRecordProjection
{
    /// <summary>The keys as a set, each checked (they come from a client).</summary>
    /// <exception cref="ArgumentException">A key is not a <see cref="TaskField"/>.</exception>
    public static IReadOnlySet<TaskField> Keys(IReadOnlyCollection<TaskField> keys)
    {
        foreach (var key in keys)
            if (!Enum.IsDefined(key))
                throw new ArgumentException($"Unknown key {(int)key} in the task query; keys are the fields {string.Join(", ", Enum.GetValues<TaskField>().Select(TaskQuery.NameOf))}.", nameof(keys));
        return keys.ToHashSet();
    }

    /// <summary>
    /// The record with only <paramref name="keys"/> filled in; <see cref="TaskRecord.MsgId"/> is
    /// always kept, and the <see cref="TaskField.Request"/> key brings <see cref="TaskRecord.Placement"/>
    /// too (together they are what a resubmit needs). Other fields are left unknown.
    /// </summary>
    public static TaskRecord Project(TaskRecord record, IReadOnlySet<TaskField> keys) => new()
    {
        MsgId = record.MsgId,
        EngineId = keys.Contains(TaskField.EngineId) ? record.EngineId : -1,
        Submitted = keys.Contains(TaskField.Submitted) ? record.Submitted : null,
        Started = keys.Contains(TaskField.Started) ? record.Started : null,
        Completed = keys.Contains(TaskField.Completed) ? record.Completed : null,
        Received = keys.Contains(TaskField.Received) ? record.Received : null,
        Status = keys.Contains(TaskField.Status) ? record.Status : default,
        Label = keys.Contains(TaskField.Label) ? record.Label : null,
        SessionId = keys.Contains(TaskField.SessionId) ? record.SessionId : null,
        Request = keys.Contains(TaskField.Request) ? record.Request : null,
        Placement = keys.Contains(TaskField.Request) ? record.Placement : null,
        Result = keys.Contains(TaskField.Result) ? record.Result : null,
        Error = keys.Contains(TaskField.Error) ? record.Error : null,
        Stdout = keys.Contains(TaskField.Stdout) ? record.Stdout : null,
        Stderr = keys.Contains(TaskField.Stderr) ? record.Stderr : null,
        ExecuteResult = keys.Contains(TaskField.ExecuteResult) ? record.ExecuteResult : null,
        ResubmittedFrom = keys.Contains(TaskField.ResubmittedFrom) ? record.ResubmittedFrom : null,
        Resubmitted = keys.Contains(TaskField.Resubmitted) ? record.Resubmitted : null,
        Balanced = keys.Contains(TaskField.Balanced) ? record.Balanced : null,
    };
}
