namespace Orleans.Parallel.Grains.Hub.Store;

/// <summary>Which task store a silo writes to, and its limits.</summary>
public sealed class TaskStoreOptions
{
    /// <summary>The store kinds: "memory" (default), "postgres", or "none" (no records are kept).</summary>
    public const string Memory = "memory", Postgres = "postgres", None = "none";

    /// <summary>"memory" (default), "postgres" or "none".</summary>
    public string Kind { get; set; } = Memory;

    /// <summary>
    /// In memory: at most this many records. Beyond it the oldest finished records are culled
    /// (<see cref="CullFraction"/> of the limit at a time); pending records are never culled.
    /// Default 100,000.
    /// </summary>
    public int RecordLimit { get; set; } = 100_000;

    /// <summary>In memory: at most about this many bytes of records (requests, results, output), culled the same way. Default 1 GiB.</summary>
    public long SizeLimit { get; set; } = 1L << 30;

    /// <summary>In memory: the share of the limit culled at once when a limit is passed (ipyparallel culls 10%). Default 0.1.</summary>
    public double CullFraction { get; set; } = 0.1;

    /// <summary>
    /// The largest result a record keeps, in bytes (results sent beside the messages, in bulk, are
    /// copied into the record up to this size). A larger one is recorded as
    /// <see cref="Orleans.Parallel.Hub.ResultNotKept"/>. Default 64 MiB.
    /// </summary>
    public long MaxResultBytes { get; set; } = 64L << 20;

    /// <summary>For PostgreSQL: an Npgsql connection string.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Throws naming the first setting that cannot work.</summary>
    public void Validate()
    {
        if (Kind is not (Memory or Postgres or None))
            throw new ArgumentException($"Unknown task store '{Kind}'; use '{Memory}', '{Postgres}' or '{None}'.", nameof(Kind));
        if (RecordLimit < 1) throw new ArgumentOutOfRangeException(nameof(RecordLimit), RecordLimit, "The record limit must be at least 1.");
        if (SizeLimit < 1) throw new ArgumentOutOfRangeException(nameof(SizeLimit), SizeLimit, "The size limit must be at least 1 byte.");
        if (MaxResultBytes < 0) throw new ArgumentOutOfRangeException(nameof(MaxResultBytes), MaxResultBytes, "The largest kept result cannot be negative.");
        if (CullFraction is <= 0 or > 1) throw new ArgumentOutOfRangeException(nameof(CullFraction), CullFraction, "The cull fraction must be in (0, 1].");
        if (Kind == Postgres && string.IsNullOrWhiteSpace(ConnectionString))
            throw new ArgumentException("The PostgreSQL task store needs a connection string (for example \"Host=127.0.0.1;Port=5432;Username=op;Database=op\").", nameof(ConnectionString));
    }
}
