namespace Orleans.Parallel.Connection;

/// <summary>
/// The words of <see cref="ParallelClient.ConnectAsync"/>'s failures: which options set the address
/// it tried, and how to start a silo there. A user reading one should know what to change.
/// </summary>
internal static class ConnectAdvice
{
    /// <summary>No gateway at the addresses given: <paramref name="failures"/> says, for each, what happened.</summary>
    public static string NoGateway(ParallelClientOptions options, IReadOnlyList<string> failures, bool siloPortFound) =>
        $"No Orleans.Parallel gateway at {string.Join(", ", failures)}. " +
        "The address comes from ParallelClientOptions.GatewayHost and GatewayPort (default 127.0.0.1:30000)" +
        (options.AdditionalGateways.Count > 0 ? " and AdditionalGateways" : "") + ". " +
        (siloPortFound
            ? "Set GatewayPort to the silo's gateway port (its --gateway-port, default 30000; the silo's ready line names it)."
            : "A silo that is still starting refuses too: connect once its ready line is printed. " + StartASilo(options));

    /// <summary>Gateways answered, but the TLS handshake failed at each: <paramref name="failures"/> says how.</summary>
    public static string CredentialRefused(ParallelClientOptions options, IReadOnlyList<string> failures) =>
        $"The cluster did not let this client in: {string.Join(", ", failures)}. " +
        (failures.Any(f => f.Contains("no TLS handshake", StringComparison.Ordinal))
            ? "Where no TLS handshake took place, the port is not a secure Orleans.Parallel gateway: a silo started with --insecure needs ParallelClientOptions.Insecure = true. "
            : "") +
        $"The client's credential ({CredentialSource(options)}) must be the one of the cluster's silos: take it from the cluster's connection file " +
        $"(the silo prints its path; by default {Security.ConnectionFile.DefaultPath(options.ClusterId)} on the silo's machine) " +
        "with ParallelClientOptions.FromConnectionFile(path), or after a change of credential, the new one.";

    private static string CredentialSource(ParallelClientOptions options) =>
        options.ConnectionFilePath is { } file ? $"from {file}"
        : options.Credential is { } given ? $"given, certificate {given.Id}"
        : Environment.GetEnvironmentVariable(ParallelClientOptions.CredentialPemVariable) is { Length: > 0 } ? $"from {ParallelClientOptions.CredentialPemVariable}"
        : Environment.GetEnvironmentVariable(ParallelClientOptions.CredentialVariable) is { Length: > 0 } path ? $"from {ParallelClientOptions.CredentialVariable}={path}"
        : $"from {Security.ConnectionFile.DefaultPath(options.ClusterId)}";

    /// <summary>The Redis server that should hold the membership table is not there.</summary>
    public static string NoRedisTable(ParallelClientOptions options, IReadOnlyList<string> failures) =>
        $"The Redis server holding the cluster's membership table is not reachable at {string.Join(", ", failures)}. " +
        "The address comes from ParallelClientOptions.ClusteringConnection (with Clustering = \"redis\"): set it to the " +
        "--clustering-connection the silos were started with, or start Redis there and then the silos.";

    /// <summary>Something accepted the connection but Orleans' handshake did not complete within ConnectTimeout.</summary>
    public static string TimedOut(ParallelClientOptions options) =>
        options.Clustering == ClusterMembership.Localhost
            ? $"No Orleans.Parallel gateway answered at {string.Join(" or ", options.Gateways().Select(g => $"{g.Host}:{g.Port}"))} within {options.ConnectTimeout} " +
              "(ParallelClientOptions.ConnectTimeout). Something accepts connections there but did not answer as an Orleans gateway: " +
              "another program, a silo-to-silo port (--silo-port) rather than the gateway (--gateway-port), " +
              $"or a silo of another cluster (the client looks for ClusterId '{options.ClusterId}', ServiceId '{options.ServiceId}'). " +
              "Check ParallelClientOptions.GatewayHost, GatewayPort, AdditionalGateways and ClusterId against the silo's ready line, and ServiceId against its --service-id. " +
              (options.Insecure ? "Insecure = true reaches only a silo started with --insecure; a secure silo (the default) needs the cluster's credential. " : "") +
              StartASilo(options)
            : $"The {options.Clustering} membership table (ParallelClientOptions.Clustering and ClusteringConnection) listed no live gateway " +
              $"of cluster '{options.ClusterId}' within {options.ConnectTimeout} (ParallelClientOptions.ConnectTimeout): no silo of that cluster is running, " +
              "the silos use another table or cluster id, or the table could not be read at that connection. Start one with the same --clustering, --clustering-connection and --cluster-id " +
              "(Orleans.Parallel's Silo program; in its repository: dotnet run -c Release --project Silo -- --engines 4 " +
              $"--clustering {options.Clustering} --clustering-connection \"...\" --cluster-id {options.ClusterId}).";

    /// <summary>How to get a silo: the Silo program (there is no installed tool yet), or one in this process.</summary>
    private static string StartASilo(ParallelClientOptions options) =>
        "To start a silo there, run Orleans.Parallel's Silo program on that machine (in its repository: " +
        $"dotnet run -c Release --project Silo -- --engines 4 --gateway-port {options.GatewayPort}" +
        (IsLoopback(options.GatewayHost) ? "" : $" --address {options.GatewayHost}") + "; a silo listens on loopback unless given --address), " +
        "or host one in this process with LocalCluster.StartAsync().";

    private static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (System.Net.IPAddress.TryParse(host, out var address) && System.Net.IPAddress.IsLoopback(address));
}
