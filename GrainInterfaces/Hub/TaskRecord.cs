using Orleans.Parallel.Engine;
using Orleans.Parallel.Scheduling;
using TaskStatus = Orleans.Parallel.Engine.TaskStatus;

namespace Orleans.Parallel.Hub;

/// <summary>
/// What the hub knows of one task (ipyparallel's task record): the request, where and when it ran,
/// how it ended and what it printed. Records are the truth a client can come back to, from another
/// client or after reconnecting.
/// </summary>
/// <remarks>
/// A record reaches the store in pieces, from the silos that saw the task (submitted at a queue or
/// engine, started and ended at an engine, perhaps on another silo), in any order. A piece leaves
/// unknown fields null (and <see cref="EngineId"/> -1, <see cref="Status"/> pending); see
/// <see cref="Merge"/>. Times are UTC.
/// </remarks>
[GenerateSerializer, Immutable, Alias("op.TaskRecord")]
public sealed record TaskRecord
{
    /// <summary>The task's message id.</summary>
    [Id(0)] public required Guid MsgId { get; init; }

    /// <summary>The engine that ran it (or was asked to); -1 while a load-balanced task waits for one.</summary>
    [Id(1)] public int EngineId { get; init; } = -1;

    /// <summary>When the client submitted it.</summary>
    [Id(2)] public DateTime? Submitted { get; init; }

    /// <summary>When an engine started it; null until then, or if it never ran.</summary>
    [Id(3)] public DateTime? Started { get; init; }

    /// <summary>When it ended on its engine (or its queue, for a task that never ran).</summary>
    [Id(4)] public DateTime? Completed { get; init; }

    /// <summary>When the hub recorded its end.</summary>
    [Id(5)] public DateTime? Received { get; init; }

    /// <summary>Pending until it ends; then ok, error or aborted.</summary>
    [Id(6)] public TaskStatus Status { get; init; }

    /// <summary>The label of the view that submitted it, if any.</summary>
    [Id(7)] public string? Label { get; init; }

    /// <summary>The client session that submitted it.</summary>
    [Id(8)] public Guid? SessionId { get; init; }

    /// <summary>What it asked of the engine, kept so the task can be resubmitted.</summary>
    [Id(9)] public EngineRequest? Request { get; init; }

    /// <summary>For a load-balanced task, where it could run; null for a task sent to one engine.</summary>
    [Id(10)] public TaskPlacement? Placement { get; init; }

    /// <summary>Its result, as the engine sent it; null for none or while pending.</summary>
    [Id(11)] public object? Result { get; init; }

    /// <summary>Its error, if it failed.</summary>
    [Id(12)] public RemoteError? Error { get; init; }

    /// <summary>What it wrote to standard output.</summary>
    [Id(13)] public string? Stdout { get; init; }

    /// <summary>What it wrote to standard error.</summary>
    [Id(14)] public string? Stderr { get; init; }

    /// <summary>For a script, the text of its final expression's value.</summary>
    [Id(15)] public string? ExecuteResult { get; init; }

    /// <summary>The task this one re-runs (it was made by a resubmit).</summary>
    [Id(16)] public Guid? ResubmittedFrom { get; init; }

    /// <summary>The task that re-ran this one, if it was resubmitted.</summary>
    [Id(17)] public Guid? Resubmitted { get; init; }

    /// <summary>Whether it was load-balanced (engine chosen by a scheduler); null when not known yet.</summary>
    [Id(18)] public bool? Balanced { get; init; }

    /// <summary>Whether the task has ended (any status but pending).</summary>
    public bool IsDone => Status != TaskStatus.Pending;

    /// <summary>
    /// Combines a stored record with a newer piece of the same task: every field the piece knows
    /// replaces the stored one, every field it leaves unknown keeps what is stored, and an ended
    /// task never goes back to pending (a late "started" from a retry cannot undo its end).
    /// </summary>
    public static TaskRecord Merge(TaskRecord stored, TaskRecord piece)
    {
        if (stored.MsgId != piece.MsgId) throw new ArgumentException($"Cannot merge records of tasks {stored.MsgId} and {piece.MsgId}.", nameof(piece));
        var ended = stored.IsDone && !piece.IsDone; // a piece from before the end arrived late
        return new TaskRecord
        {
            MsgId = stored.MsgId,
            EngineId = ended || piece.EngineId < 0 ? stored.EngineId : piece.EngineId,
            Submitted = piece.Submitted ?? stored.Submitted,
            Started = ended ? stored.Started ?? piece.Started : piece.Started ?? stored.Started,
            Completed = piece.Completed ?? stored.Completed,
            Received = piece.Received ?? stored.Received,
            Status = piece.IsDone ? piece.Status : stored.Status,
            Label = piece.Label ?? stored.Label,
            SessionId = piece.SessionId ?? stored.SessionId,
            Request = piece.Request ?? stored.Request,
            Placement = piece.Placement ?? stored.Placement,
            Result = piece.IsDone ? piece.Result : stored.Result,
            Error = piece.Error ?? stored.Error,
            Stdout = piece.Stdout ?? stored.Stdout,
            Stderr = piece.Stderr ?? stored.Stderr,
            ExecuteResult = piece.ExecuteResult ?? stored.ExecuteResult,
            ResubmittedFrom = piece.ResubmittedFrom ?? stored.ResubmittedFrom,
            Resubmitted = piece.Resubmitted ?? stored.Resubmitted,
            Balanced = piece.Balanced ?? stored.Balanced,
        };
    }
}
