using Npgsql;
using NpgsqlTypes;
using Orleans.Parallel.Hub;
using Orleans.Serialization;

namespace Orleans.Parallel.Grains.Hub.Store.Postgres;

/// <summary>
/// Saves a batch of record pieces in one statement per round: the pieces go as one array
/// parameter per column through <c>unnest</c>, and <c>ON CONFLICT</c> merges each into the stored
/// row in SQL exactly as <see cref="TaskRecord.Merge"/> does in C#.
/// </summary>
internal static class TaskUpsert
{
    /// <summary>The columns written, in the order of the statement's parameters.</summary>
    private static readonly (string Name, NpgsqlDbType Type)[] Columns =
    [
        ("msg_id", NpgsqlDbType.Uuid), ("engine_id", NpgsqlDbType.Integer),
        ("submitted", NpgsqlDbType.TimestampTz), ("started", NpgsqlDbType.TimestampTz),
        ("completed", NpgsqlDbType.TimestampTz), ("received", NpgsqlDbType.TimestampTz),
        ("status", NpgsqlDbType.Smallint), ("label", NpgsqlDbType.Text), ("session_id", NpgsqlDbType.Uuid),
        ("request", NpgsqlDbType.Bytea), ("placement", NpgsqlDbType.Bytea),
        ("result", NpgsqlDbType.Bytea), ("error", NpgsqlDbType.Bytea),
        ("stdout", NpgsqlDbType.Text), ("stderr", NpgsqlDbType.Text), ("execute_result", NpgsqlDbType.Text),
        ("resubmitted_from", NpgsqlDbType.Uuid), ("resubmitted", NpgsqlDbType.Uuid), ("balanced", NpgsqlDbType.Boolean),
    ];

    /// <summary>
    /// The merge, field by field as in <see cref="TaskRecord.Merge"/> (t is the stored row, excluded
    /// the piece; status 0 is pending): a known field replaces, an unknown one keeps; a piece
    /// from before the end (stored ended, piece pending) changes neither status, engine nor start;
    /// the result is the ending piece's.
    /// </summary>
    private static readonly string Sql = BuildSql();

    private static string BuildSql()
    {
        const string Late = "t.status <> 0 AND excluded.status = 0";
        var special = new Dictionary<string, string>
        {
            ["engine_id"] = $"CASE WHEN {Late} THEN t.engine_id ELSE COALESCE(excluded.engine_id, t.engine_id) END",
            ["started"] = $"CASE WHEN {Late} THEN COALESCE(t.started, excluded.started) ELSE COALESCE(excluded.started, t.started) END",
            ["status"] = "CASE WHEN excluded.status <> 0 THEN excluded.status ELSE t.status END",
            ["result"] = "CASE WHEN excluded.status <> 0 THEN excluded.result ELSE t.result END",
        };
        var names = string.Join(", ", Columns.Select(c => c.Name));
        var arrays = string.Join(", ", Columns.Select((_, i) => $"${i + 1}"));
        var sets = string.Join(",\n    ", Columns.Skip(1).Select(c =>
            $"{c.Name} = {(special.TryGetValue(c.Name, out var expression) ? expression : $"COALESCE(excluded.{c.Name}, t.{c.Name})")}"));
        return $"""
            INSERT INTO {PostgresSchema.Table} AS t ({names})
            SELECT {string.Join(", ", Columns.Select(c => "u." + c.Name))}
            FROM unnest({arrays}) WITH ORDINALITY AS u({names}, ord)
            ORDER BY u.ord
            ON CONFLICT (msg_id) DO UPDATE SET
                {sets}
            """;
    }

    /// <summary>
    /// Splits a batch into rounds in which each msg id appears at most once (ON CONFLICT cannot touch
    /// a row twice in one statement): the n-th piece of a task goes to round n. Running the rounds
    /// in order applies the pieces in batch order, so the result is the same as merging them one
    /// by one (<see cref="TaskRecord.Merge"/> is not associative, so pieces are not pre-merged).
    /// </summary>
    public static List<List<TaskRecord>> Rounds(IReadOnlyList<TaskRecord> records)
    {
        var rounds = new List<List<TaskRecord>>();
        var seen = new Dictionary<Guid, int>();
        foreach (var record in records)
        {
            ArgumentNullException.ThrowIfNull(record, nameof(records));
            var round = seen.TryGetValue(record.MsgId, out var count) ? count : 0;
            seen[record.MsgId] = round + 1;
            if (round == rounds.Count) rounds.Add([]);
            rounds[round].Add(record);
        }
        return rounds;
    }

    /// <summary>The statement saving one round (each msg id once), in arrival order so that new rows' <c>seq</c> follows it.</summary>
    public static NpgsqlBatchCommand Command(IReadOnlyList<TaskRecord> round, Serializer serializer)
    {
        byte[]? Blob(object? value) => value is null ? null : serializer.SerializeToArray<object?>(value);
        static DateTime? Utc(DateTime? time) => time is { } t ? ConditionValues.Utc(t) : null;
        var values = new Array[]
        {
            round.Select(r => r.MsgId).ToArray(),
            round.Select(r => r.EngineId < 0 ? (int?)null : r.EngineId).ToArray(),
            round.Select(r => Utc(r.Submitted)).ToArray(),
            round.Select(r => Utc(r.Started)).ToArray(),
            round.Select(r => Utc(r.Completed)).ToArray(),
            round.Select(r => Utc(r.Received)).ToArray(),
            round.Select(r => (short)r.Status).ToArray(),
            round.Select(r => r.Label).ToArray(),
            round.Select(r => r.SessionId).ToArray(),
            round.Select(r => Blob(r.Request)).ToArray(),
            round.Select(r => Blob(r.Placement)).ToArray(),
            round.Select(r => Blob(r.Result)).ToArray(),
            round.Select(r => Blob(r.Error)).ToArray(),
            round.Select(r => r.Stdout).ToArray(),
            round.Select(r => r.Stderr).ToArray(),
            round.Select(r => r.ExecuteResult).ToArray(),
            round.Select(r => r.ResubmittedFrom).ToArray(),
            round.Select(r => r.Resubmitted).ToArray(),
            round.Select(r => r.Balanced).ToArray(),
        };
        var command = new NpgsqlBatchCommand(Sql);
        for (var i = 0; i < Columns.Length; i++)
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | Columns[i].Type, Value = values[i] });
        return command;
    }
}
