using Npgsql;

namespace Orleans.Parallel.Grains.Hub.Store.Postgres;

/// <summary>
/// The project's own table of task records, created if missing the first time a store is used, so
/// that pointing a silo at an empty database is all the setup there is.
/// </summary>
/// <remarks>
/// Unknown fields are NULL (an <see cref="Orleans.Parallel.Hub.TaskRecord.EngineId"/> of -1
/// included), which is what makes <c>$lt</c>/<c>$gt</c> skip them as MongoDB does. Strings are
/// collated "C" so that comparisons and their indexes are ordinal, as in .NET. <c>seq</c> keeps
/// arrival order for records submitted at the same instant or with no submission time.
/// </remarks>
internal static class PostgresSchema
{
    /// <summary>The table's name.</summary>
    public const string Table = "op_task_records";

    /// <summary>
    /// The key of the transaction-scoped advisory lock held around the DDL: two silos starting at
    /// once would otherwise race in <c>CREATE TABLE IF NOT EXISTS</c> and one could fail on the
    /// catalog's unique index. The digits spell "op_task" in ASCII.
    /// </summary>
    private const long DdlLock = 0x6F705F7461736B;

    private const string Ddl = $"""
        CREATE TABLE IF NOT EXISTS {Table} (
            seq              bigint GENERATED ALWAYS AS IDENTITY,
            msg_id           uuid PRIMARY KEY,
            engine_id        integer,
            submitted        timestamptz,
            started          timestamptz,
            completed        timestamptz,
            received         timestamptz,
            status           smallint NOT NULL,
            label            text COLLATE "C",
            session_id       uuid,
            request          bytea,
            placement        bytea,
            result           bytea,
            error            bytea,
            stdout           text COLLATE "C",
            stderr           text COLLATE "C",
            execute_result   text COLLATE "C",
            resubmitted_from uuid,
            resubmitted      uuid,
            balanced         boolean
        );
        CREATE INDEX IF NOT EXISTS {Table}_submitted ON {Table} (submitted, seq);
        CREATE INDEX IF NOT EXISTS {Table}_label ON {Table} (label);
        CREATE INDEX IF NOT EXISTS {Table}_status ON {Table} (status);
        CREATE INDEX IF NOT EXISTS {Table}_engine_id ON {Table} (engine_id);
        CREATE INDEX IF NOT EXISTS {Table}_completed ON {Table} (completed);
        CREATE INDEX IF NOT EXISTS {Table}_session_id ON {Table} (session_id);
        """;

    /// <summary>Creates the table and its indexes if they are missing; safe to run from several silos at once.</summary>
    public static async Task EnsureAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({DdlLock});\n{Ddl}", connection, transaction))
            await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
