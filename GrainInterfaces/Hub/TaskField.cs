namespace Orleans.Parallel.Hub;

/// <summary>The fields of a <see cref="TaskRecord"/> that queries name and results select.</summary>
public enum TaskField
{
    /// <summary><see cref="TaskRecord.MsgId"/> (<c>msg_id</c>), a <see cref="Guid"/>.</summary>
    MsgId,
    /// <summary><see cref="TaskRecord.EngineId"/> (<c>engine_id</c>), an <see cref="int"/>.</summary>
    EngineId,
    /// <summary><see cref="TaskRecord.Submitted"/>, a <see cref="DateTime"/>.</summary>
    Submitted,
    /// <summary><see cref="TaskRecord.Started"/>, a <see cref="DateTime"/>.</summary>
    Started,
    /// <summary><see cref="TaskRecord.Completed"/>, a <see cref="DateTime"/>.</summary>
    Completed,
    /// <summary><see cref="TaskRecord.Received"/>, a <see cref="DateTime"/>.</summary>
    Received,
    /// <summary><see cref="TaskRecord.Status"/>, an <see cref="Engine.TaskStatus"/>.</summary>
    Status,
    /// <summary><see cref="TaskRecord.Label"/>, a <see cref="string"/>.</summary>
    Label,
    /// <summary><see cref="TaskRecord.SessionId"/> (<c>session_id</c>, ipyparallel's <c>client_uuid</c>), a <see cref="Guid"/>.</summary>
    SessionId,
    /// <summary><see cref="TaskRecord.Stdout"/>, a <see cref="string"/>.</summary>
    Stdout,
    /// <summary><see cref="TaskRecord.Stderr"/>, a <see cref="string"/>.</summary>
    Stderr,
    /// <summary><see cref="TaskRecord.ExecuteResult"/> (<c>execute_result</c>), a <see cref="string"/>.</summary>
    ExecuteResult,
    /// <summary><see cref="TaskRecord.ResubmittedFrom"/> (<c>resubmitted_from</c>), a <see cref="Guid"/>.</summary>
    ResubmittedFrom,
    /// <summary><see cref="TaskRecord.Resubmitted"/>, a <see cref="Guid"/>.</summary>
    Resubmitted,
    /// <summary><see cref="TaskRecord.Balanced"/>, a <see cref="bool"/>.</summary>
    Balanced,
    /// <summary><see cref="TaskRecord.Error"/>: only <c>$exists</c> applies; as a key, the error travels.</summary>
    Error,
    /// <summary><see cref="TaskRecord.Result"/>: only <c>$exists</c> applies; as a key, the result travels.</summary>
    Result,
    /// <summary><see cref="TaskRecord.Request"/> and <see cref="TaskRecord.Placement"/>: only <c>$exists</c> applies; as a key, the request travels.</summary>
    Request,
}
