using Npgsql;
using NpgsqlTypes;
using Orleans.Parallel.Hub;
using Orleans.Serialization;

namespace Orleans.Parallel.Grains.Hub.Store.Postgres;

/// <summary>
/// Task records in PostgreSQL (<see cref="PostgresSchema.Table"/>), shared by every silo that
/// points at the same database and kept across restarts of the whole cluster. Object-valued fields
/// (request, placement, result, error) are stored as Orleans-serialized bytes, so whatever a task
/// could carry can be stored.
/// </summary>
public sealed class PostgresTaskStore : ITaskStore, IAsyncDisposable
{
    /// <summary>How often a save that lost a deadlock to another silo's overlapping batch is tried again.</summary>
    private const int SaveAttempts = 5;

    private const string Order = "ORDER BY submitted NULLS LAST, seq";

    private readonly NpgsqlDataSource _dataSource;
    private readonly Serializer _serializer;
    private readonly SemaphoreSlim _schemaLock = new(1, 1);
    private volatile bool _schemaReady;

    /// <summary>A store on <see cref="TaskStoreOptions.ConnectionString"/>; the table is created at first use.</summary>
    public PostgresTaskStore(TaskStoreOptions options, Serializer serializer)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(serializer);
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
            throw new ArgumentException("The PostgreSQL task store needs a connection string.", nameof(options));
        _dataSource = NpgsqlDataSource.Create(options.ConnectionString);
        _serializer = serializer;
    }

    /// <inheritdoc />
    public async Task SaveAsync(IReadOnlyList<TaskRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0) return;
        var rounds = TaskUpsert.Rounds(records);
        await EnsureSchemaAsync(cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            // The rounds go together in one round trip and one implicit transaction.
            await using var batch = _dataSource.CreateBatch();
            foreach (var round in rounds) batch.BatchCommands.Add(TaskUpsert.Command(round, _serializer));
            try
            {
                await batch.ExecuteNonQueryAsync(cancellationToken);
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DeadlockDetected && attempt < SaveAttempts)
            {
                // Two silos saving the same tasks in different orders; the loser's batch was rolled back whole.
            }
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<TaskRecord>> GetAsync(IReadOnlyList<Guid> msgIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(msgIds);
        if (msgIds.Count == 0) return [];
        await EnsureSchemaAsync(cancellationToken);
        await using var command = _dataSource.CreateCommand(
            $"SELECT {string.Join(", ", TaskColumns.All)} FROM {PostgresSchema.Table} WHERE msg_id = ANY(@ids)");
        command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = msgIds.Distinct().ToArray() });
        var found = (await ReadAsync(command, cancellationToken)).ToDictionary(r => r.MsgId);
        return [.. msgIds.Where(found.ContainsKey).Select(id => found[id])];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<TaskRecord>> QueryAsync(TaskQuery query, IReadOnlyCollection<TaskField>? keys = null, CancellationToken cancellationToken = default)
    {
        // Translated before anything else: a bad query is the client's error, whatever the database's state.
        var sql = SqlQuery.From(query);
        var columns = TaskColumns.Selected(keys);
        await EnsureSchemaAsync(cancellationToken);
        await using var command = _dataSource.CreateCommand(
            $"SELECT {string.Join(", ", columns)} FROM {PostgresSchema.Table} WHERE {sql.Where} {Order}");
        foreach (var parameter in sql.Parameters) command.Parameters.Add(parameter);
        return await ReadAsync(command, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Guid>> HistoryAsync(CancellationToken cancellationToken = default)
    {
        await EnsureSchemaAsync(cancellationToken);
        await using var command = _dataSource.CreateCommand($"SELECT msg_id FROM {PostgresSchema.Table} {Order}");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var ids = new List<Guid>();
        while (await reader.ReadAsync(cancellationToken)) ids.Add(reader.GetGuid(0));
        return ids;
    }

    /// <inheritdoc />
    public async Task<int> PurgeAsync(IReadOnlyList<Guid>? msgIds, CancellationToken cancellationToken = default)
    {
        if (msgIds is { Count: 0 }) return 0;
        await EnsureSchemaAsync(cancellationToken);
        await using var command = _dataSource.CreateCommand(
            $"DELETE FROM {PostgresSchema.Table} WHERE status <> 0{(msgIds is null ? "" : " AND msg_id = ANY(@ids)")}");
        if (msgIds is not null)
            command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = msgIds.Distinct().ToArray() });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Closes the pooled connections.</summary>
    public async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        _schemaLock.Dispose();
    }

    private async Task<IReadOnlyList<TaskRecord>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await new TaskRowReader(reader, _serializer).ReadAllAsync(cancellationToken);
    }

    /// <summary>Creates the table on first use; a failure (database not up yet) is tried again on the next call.</summary>
    private async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        if (_schemaReady) return;
        await _schemaLock.WaitAsync(cancellationToken);
        try
        {
            if (_schemaReady) return;
            await PostgresSchema.EnsureAsync(_dataSource, cancellationToken);
            _schemaReady = true;
        }
        finally
        {
            _schemaLock.Release();
        }
    }
}
