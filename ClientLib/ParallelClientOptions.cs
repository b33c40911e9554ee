using Orleans.Parallel.Errors;
using Orleans.Parallel.Security;

namespace Orleans.Parallel;

/// <summary>
/// Where <see cref="ParallelClient.ConnectAsync"/> finds the cluster, and the credential it gets in
/// with. <see cref="FromConnectionFile"/> fills every setting from the file a silo wrote.
/// </summary>
public sealed class ParallelClientOptions
{
    /// <summary>The environment variable holding the path of a credential (a PEM file, or a connection file).</summary>
    public const string CredentialVariable = "OP_CREDENTIAL";

    /// <summary>The environment variable holding the credential's PEM text itself (a container's secret).</summary>
    public const string CredentialPemVariable = "OP_CREDENTIALPEM";

    /// <summary>
    /// The cluster credential (mutual TLS on every connection). Default: none given, so the client
    /// takes it from <c>OP_CREDENTIALPEM</c>, <c>OP_CREDENTIAL</c> (a path), or the connection file of
    /// <see cref="ClusterId"/> in this user's folder (<see cref="ConnectionFile.DefaultPath"/>), in that order.
    /// </summary>
    public ClusterCredential? Credential { get; set; }

    /// <summary>
    /// Connect without TLS or credential, to a silo started with <c>--insecure</c>. Everything sent is
    /// readable on the network, and anyone reaching that silo can run code on it.
    /// </summary>
    public bool Insecure { get; set; }

    /// <summary>The connection file these options were read from (<see cref="FromConnectionFile"/>), if any.</summary>
    public string? ConnectionFilePath { get; private set; }

    /// <summary>
    /// Options from a connection file (default: the one of cluster "dev" in this user's folder, which a
    /// silo started with default settings writes): gateways, cluster and service ids, clustering, credential.
    /// </summary>
    /// <exception cref="FileNotFoundException">No file there: no silo of that cluster has run as this user; its path is in the message.</exception>
    /// <exception cref="ArgumentException">The file is not a connection file, or its credential cannot be read.</exception>
    public static ParallelClientOptions FromConnectionFile(string? path = null) => new ParallelClientOptions().LoadConnectionFile(path);

    /// <summary>Fills these options from a connection file (<see cref="FromConnectionFile"/> says what); settings it does not hold are kept.</summary>
    internal ParallelClientOptions LoadConnectionFile(string? path)
    {
        path ??= ConnectionFile.DefaultPath("dev");
        ConnectionFile file;
        try
        {
            file = ConnectionFile.Read(path);
        }
        catch (FileNotFoundException e)
        {
            throw new FileNotFoundException(
                $"There is no connection file at {path}. A silo writes one when it starts (its path is printed before the ready line); " +
                "start a silo as this user, or copy the file from the machine that runs it.", path, e);
        }
        if (file.Gateways.Count == 0) throw new ArgumentException($"The connection file {path} lists no gateway.", nameof(path));
        (GatewayHost, GatewayPort) = ConnectionFile.ParseGateway(file.Gateways[0], nameof(path));
        ClusterId = file.ClusterId;
        ServiceId = file.ServiceId;
        Clustering = file.Clustering;
        ClusteringConnection = file.ClusteringConnection;
        Credential = file.LoadCredential(path);
        ConnectionFilePath = path;
        AdditionalGateways.Clear();
        if (file.Clustering == ClusterMembership.Localhost)
            foreach (var gateway in file.Gateways.Skip(1)) AdditionalGateways.Add(gateway);
        return this;
    }

    /// <summary>
    /// How the client connects: insecure if asked, else with the credential given or found
    /// (<see cref="Credential"/> says where it looks).
    /// </summary>
    /// <exception cref="ClusterCredentialException">No credential anywhere, or one that cannot be read; the message says where it looked.</exception>
    internal ClusterSecurity ResolveSecurity()
    {
        if (Insecure)
        {
            if (Credential is not null) throw new ArgumentException("Insecure and Credential are both set: choose one.", nameof(Insecure));
            return ClusterSecurity.Insecure;
        }
        if (Credential is { } given) return ClusterSecurity.Secure(given);
        try
        {
            if (Environment.GetEnvironmentVariable(CredentialPemVariable) is { Length: > 0 } pem)
                return ClusterSecurity.Secure(ClusterCredential.FromPem(pem));
            if (Environment.GetEnvironmentVariable(CredentialVariable) is { Length: > 0 } file)
                return ClusterSecurity.Secure(ClusterCredential.FromFile(file));
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException)
        {
            throw new ClusterCredentialException($"The cluster credential in the environment cannot be used: {e.Message}", e);
        }
        var defaultFile = ConnectionFilePath ?? ConnectionFile.DefaultPath(ClusterId);
        if (!File.Exists(defaultFile))
            throw new ClusterCredentialException(
                $"No credential for cluster '{ClusterId}': the cluster's connection file {defaultFile} does not exist, and neither " +
                $"{CredentialPemVariable} nor {CredentialVariable} is set. A silo writes that file when it starts (its path is printed before the ready line): " +
                "start a silo as this user, or copy the file from the machine that runs one (or set ParallelClientOptions.Credential, or " +
                "use ParallelClientOptions.FromConnectionFile(path)). A silo started with --insecure needs Insecure = true instead.");
        try
        {
            return ClusterSecurity.Secure(ConnectionFile.Read(defaultFile).LoadCredential(defaultFile));
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException)
        {
            throw new ClusterCredentialException($"The credential of cluster '{ClusterId}' in {defaultFile} cannot be used: {e.Message}", e);
        }
    }

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

    /// <summary>
    /// How long the connection to a gateway may stay lost before the tasks outstanding on its silo
    /// fail with <see cref="Errors.EngineException"/> ("silo … exited or is unreachable"), rather
    /// than wait for Orleans' 30 s response timeout. With no gateway left every outstanding task
    /// fails; with some left, the direct tasks of silos that no longer answer do (load-balanced
    /// tasks are re-sent, as when a silo's death is declared). Default: 2 s;
    /// <see cref="Timeout.InfiniteTimeSpan"/> turns it off.
    /// </summary>
    public TimeSpan GatewayLossGrace { get; set; } = TimeSpan.FromSeconds(2);

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
        foreach (var gateway in AdditionalGateways) ConnectionFile.ParseGateway(gateway, nameof(AdditionalGateways));
        if (ConnectTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ConnectTimeout), ConnectTimeout, "ConnectTimeout must be positive.");
        if (GatewayLossGrace < TimeSpan.Zero && GatewayLossGrace != Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(GatewayLossGrace), GatewayLossGrace, "GatewayLossGrace must be zero or more, or Timeout.InfiniteTimeSpan to wait for Orleans' response timeout instead.");
    }

    /// <summary>Every gateway the client is given: the first at <see cref="GatewayHost"/>:<see cref="GatewayPort"/>, then <see cref="AdditionalGateways"/>.</summary>
    internal IReadOnlyList<(string Host, int Port)> Gateways() =>
        [(GatewayHost, GatewayPort), .. AdditionalGateways.Select(g => ConnectionFile.ParseGateway(g, nameof(AdditionalGateways)))];
}
