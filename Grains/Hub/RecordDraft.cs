using Orleans.Parallel.Engine;
using Orleans.Parallel.Hub;
using Orleans.Parallel.Scheduling;
using TaskStatus = Orleans.Parallel.Engine.TaskStatus;

namespace Orleans.Parallel.Grains.Hub;

/// <summary>
/// The part of one task's record a silo has seen since its last flush: submitted, started and
/// ended usually all land here before the flush, so the store gets one record per task, not three.
/// A mutable struct, held in the flush's table and changed through a reference to it (one object
/// fewer per task); only the flush touches it.
/// </summary>
internal struct RecordDraft(Guid msgId)
{
    private readonly Guid _msgId = msgId;
    private int _engineId = -1;
    private DateTime? _submitted, _started, _completed, _received;
    private TaskStatus _status;
    private string? _label, _stdout, _stderr, _executeResult;
    private Guid? _sessionId;
    private EngineRequest? _request;
    private TaskPlacement? _placement;
    private object? _result;
    private RemoteError? _error;
    private bool? _balanced;

    /// <summary>Rough bytes of text and data this draft holds (for the recorder's bound on unsent records).</summary>
    public long Bytes { get; private set; } = 256;

    public void Submitted(Guid session, DateTime submitted, EngineRequest request, string? label, int engineId, TaskPlacement? placement)
    {
        _sessionId = session;
        _submitted = submitted;
        _request = request;
        _label = label;
        _placement = placement;
        _balanced = placement is not null;
        if (engineId >= 0 && _status == TaskStatus.Pending) _engineId = engineId;
    }

    public void Started(int engineId, DateTime started)
    {
        if (_status != TaskStatus.Pending) return; // the end is already here; a retry's start cannot undo it
        _engineId = engineId;
        _started = started;
    }

    public void Ended(TaskReply reply, object? keptResult, DateTime received)
    {
        if (reply.EngineId >= 0) _engineId = reply.EngineId;
        if (reply.Started is not null) _started = reply.Started;
        _completed = reply.Completed;
        _received = received;
        _status = reply.Status;
        _result = keptResult;
        _error = reply.Error;
        _stdout = reply.Stdout;
        _stderr = reply.Stderr;
        _executeResult = reply.ExecuteResult;
        Bytes += 2L * (reply.Stdout.Length + reply.Stderr.Length + (reply.ExecuteResult?.Length ?? 0));
    }

    public readonly TaskRecord ToRecord() => new()
    {
        MsgId = _msgId,
        EngineId = _engineId,
        Submitted = _submitted,
        Started = _started,
        Completed = _completed,
        Received = _received,
        Status = _status,
        Label = _label,
        SessionId = _sessionId,
        Request = _request,
        Placement = _placement,
        Result = _result,
        Error = _error,
        Stdout = _stdout,
        Stderr = _stderr,
        ExecuteResult = _executeResult,
        Balanced = _balanced,
    };
}
