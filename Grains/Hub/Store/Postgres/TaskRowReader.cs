using Npgsql;
using Orleans.Parallel.Engine;
using Orleans.Parallel.Hub;
using Orleans.Parallel.Scheduling;
using Orleans.Serialization;
using TaskStatus = Orleans.Parallel.Engine.TaskStatus;

namespace Orleans.Parallel.Grains.Hub.Store.Postgres;

/// <summary>
/// Reads task records from a result set that may hold only some columns (a projection): a column
/// that was not selected leaves its field unknown, as a piece of a record does.
/// </summary>
internal sealed class TaskRowReader
{
    private readonly NpgsqlDataReader _reader;
    private readonly Serializer _serializer;
    private readonly Dictionary<string, int> _ordinals = [];

    public TaskRowReader(NpgsqlDataReader reader, Serializer serializer)
    {
        _reader = reader;
        _serializer = serializer;
        for (var i = 0; i < reader.FieldCount; i++) _ordinals[reader.GetName(i)] = i;
    }

    /// <summary>Reads every remaining row.</summary>
    public async Task<List<TaskRecord>> ReadAllAsync(CancellationToken cancellationToken)
    {
        var records = new List<TaskRecord>();
        while (await _reader.ReadAsync(cancellationToken)) records.Add(Read());
        return records;
    }

    private TaskRecord Read() => new()
    {
        MsgId = _reader.GetGuid(_ordinals[TaskColumns.MsgId.Name]),
        EngineId = Value<int>("engine_id") ?? -1,
        Submitted = Time("submitted"),
        Started = Time("started"),
        Completed = Time("completed"),
        Received = Time("received"),
        Status = (TaskStatus)(Value<short>("status") ?? 0),
        Label = Reference<string>("label"),
        SessionId = Value<Guid>("session_id"),
        Request = Object("request") as EngineRequest,
        Placement = Object("placement") as TaskPlacement,
        Result = Object("result"),
        Error = Object("error") as RemoteError,
        Stdout = Reference<string>("stdout"),
        Stderr = Reference<string>("stderr"),
        ExecuteResult = Reference<string>("execute_result"),
        ResubmittedFrom = Value<Guid>("resubmitted_from"),
        Resubmitted = Value<Guid>("resubmitted"),
        Balanced = Value<bool>("balanced"),
    };

    private bool Has(string column, out int ordinal) => _ordinals.TryGetValue(column, out ordinal) && !_reader.IsDBNull(ordinal);

    private T? Value<T>(string column) where T : struct => Has(column, out var i) ? _reader.GetFieldValue<T>(i) : null;

    private T? Reference<T>(string column) where T : class => Has(column, out var i) ? _reader.GetFieldValue<T>(i) : null;

    /// <summary>timestamptz comes back as a UTC <see cref="DateTime"/>.</summary>
    private DateTime? Time(string column) => Value<DateTime>(column);

    private object? Object(string column) => Has(column, out var i) ? _serializer.Deserialize<object?>(_reader.GetFieldValue<byte[]>(i)) : null;
}
