namespace Orleans.Parallel.Grains.Bulk;

/// <summary>
/// Options of the silo's bulk listener, and the limits that keep whatever reaches its port from
/// taking the silo down: connections are capped, a connection that does not authenticate in time is
/// dropped, and arrays in flight are bounded in bytes.
/// </summary>
public sealed class BulkOptions
{
    /// <summary>The TCP port of the bulk listener; 0 (default) takes a free one, which the engine directory tells clients.</summary>
    public int Port { get; set; }

    /// <summary>
    /// The address clients are told instead of the silo's own (an IP address): where they reach the bulk
    /// port through a translated address, such as a container's port published on the host. Null: the silo's.
    /// </summary>
    public string? AdvertisedHost { get; set; }

    /// <summary>The port clients are told instead of the one listened on (a published port). Null: that one.</summary>
    public int? AdvertisedPort { get; set; }

    /// <summary>Open connections at most, from everyone together; more are closed at once.</summary>
    public int MaxConnections { get; set; } = 512;

    /// <summary>Open connections at most from one address (local clients all share the loopback address).</summary>
    public int MaxConnectionsPerPeer { get; set; } = 128;

    /// <summary>How long a new connection has to present the silo's key.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a transfer may go without a byte moving before its connection is dropped.</summary>
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Bytes of arrays received and not yet taken by their tasks, at most; a transfer that would pass
    /// it fails, naming the limit. Null (default): three quarters of the memory the GC may use.
    /// </summary>
    public long? MaxInFlightBytes { get; set; }

    /// <summary>The in-flight limit in force.</summary>
    internal long InFlightLimit => MaxInFlightBytes ?? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4 * 3;
}
