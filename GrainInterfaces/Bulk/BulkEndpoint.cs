namespace Orleans.Parallel.Bulk;

/// <summary>
/// Where a silo takes and serves large buffers beside its Orleans messages, and the key a
/// connection must present. The key travels only inside the cluster's own messages (the engine
/// directory), so only a party that can talk to the cluster can use the bulk port.
/// </summary>
/// <param name="Host">The address the silo's bulk listener is bound to.</param>
/// <param name="Port">Its TCP port.</param>
/// <param name="Key">The silo's random connection key (32 bytes).</param>
[GenerateSerializer, Immutable, Alias("op.BulkEndpoint")]
public sealed record BulkEndpoint([property: Id(0)] string Host, [property: Id(1)] int Port, [property: Id(2)] byte[] Key)
{
    /// <inheritdoc />
    public override string ToString() => $"{Host}:{Port}";

    /// <summary>Endpoints are the same listener when host and port agree (the key is per listener).</summary>
    public bool Equals(BulkEndpoint? other) => other is not null && Host == other.Host && Port == other.Port;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Host, Port);
}
