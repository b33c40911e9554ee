namespace Orleans.Parallel;

/// <summary>Where <see cref="ParallelClient.ConnectAsync"/> finds the cluster.</summary>
public sealed class ParallelClientOptions
{
    /// <summary>The gateway's host. Default: 127.0.0.1 (a silo started with <c>dotnet run --project Silo</c>).</summary>
    public string GatewayHost { get; set; } = "127.0.0.1";

    /// <summary>The gateway's port. Default: 30000, the silo's default.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// With <see cref="ClusterMembership.Localhost"/> clustering: more gateways of the same cluster,
    /// each "host:port" (one per silo). The client spreads its calls over every gateway in the list
    /// and keeps working through the others when one's silo dies. Redis and Azure clients need none:
    /// they read every live gateway from the membership table.
    /// </summary>
    public IList<string> AdditionalGateways { get; } = [];

    /// <summary>The Orleans cluster id. Default: "dev", the silo's default.</summary>
    public string ClusterId { get; set; } = "dev";

    /// <summary>The Orleans service id. Default: "dev", the silo's default.</summary>
    public string ServiceId { get; set; } = "dev";

    /// <summary>
    /// How the client finds the cluster: <see cref="ClusterMembership.Localhost"/> (default: the gateway
    /// at <see cref="GatewayHost"/>:<see cref="GatewayPort"/>), or <see cref="ClusterMembership.Redis"/> /
    /// <see cref="ClusterMembership.Azure"/>: every live silo's gateway, from the table the silos use, so
    /// the client moves to another silo when its gateway's silo dies.
    /// </summary>
    public string Clustering { get; set; } = ClusterMembership.Localhost;

    /// <summary>For Redis or Azure clustering: the Redis address or the storage connection string the silos use.</summary>
    public string? ClusteringConnection { get; set; }

    /// <summary>
    /// Where the client's logs go, Orleans' own included: the app's logger factory, so they join its
    /// other logs. Default: none (nothing is written to the console).
    /// </summary>
    public Microsoft.Extensions.Logging.ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>
    /// How long to keep trying to reach the gateway. Default: 30 s. An address that refuses the
    /// connection, or that is a silo-to-silo port, fails at once (<see cref="Errors.ClusterUnreachableException"/>).
    /// </summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(GatewayHost)) throw new ArgumentException("GatewayHost must name a host.", nameof(GatewayHost));
        if (GatewayPort is <= 0 or > 65535) throw new ArgumentOutOfRangeException(nameof(GatewayPort), GatewayPort, "GatewayPort must be 1..65535.");
        if (string.IsNullOrWhiteSpace(ClusterId)) throw new ArgumentException("ClusterId must not be empty.", nameof(ClusterId));
        if (string.IsNullOrWhiteSpace(ServiceId)) throw new ArgumentException("ServiceId must not be empty.", nameof(ServiceId));
        ClusterMembership.Validate(Clustering, ClusteringConnection, nameof(Clustering), nameof(ClusteringConnection));
        if (AdditionalGateways.Count > 0 && Clustering != ClusterMembership.Localhost)
            throw new ArgumentException(
                $"AdditionalGateways is for '{ClusterMembership.Localhost}' clustering; a '{Clustering}' client finds every gateway in the membership table. Remove them.",
                nameof(AdditionalGateways));
        foreach (var gateway in AdditionalGateways) ParseGateway(gateway);
        if (ConnectTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ConnectTimeout), ConnectTimeout, "ConnectTimeout must be positive.");
    }

    /// <summary>Every gateway the client is given: the first at <see cref="GatewayHost"/>:<see cref="GatewayPort"/>, then <see cref="AdditionalGateways"/>.</summary>
    internal IReadOnlyList<(string Host, int Port)> Gateways() =>
        [(GatewayHost, GatewayPort), .. AdditionalGateways.Select(ParseGateway)];

    private static (string Host, int Port) ParseGateway(string? gateway)
    {
        var colon = gateway?.LastIndexOf(':') ?? -1;
        if (gateway is null || colon <= 0
            || !int.TryParse(gateway.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
            || port is <= 0 or > 65535
            || string.IsNullOrWhiteSpace(gateway[..colon]))
            throw new ArgumentException($"The additional gateway '{gateway}' is not \"host:port\" with a port of 1..65535, such as \"127.0.0.1:30001\".", nameof(AdditionalGateways));
        return (gateway[..colon], port);
    }
}
