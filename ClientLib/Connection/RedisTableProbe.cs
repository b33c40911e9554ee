using System.Net;
using Orleans.Parallel.Errors;
using StackExchange.Redis;

namespace Orleans.Parallel.Connection;

/// <summary>
/// With Redis clustering, checks that the Redis server holding the membership table accepts a
/// connection: Orleans retries an unreachable table until the connect timeout, then reports no
/// gateway. (Azure's SDK may reach storage through a proxy, so a direct connect there proves nothing.)
/// </summary>
internal static class RedisTableProbe
{
    /// <exception cref="ClusterUnreachableException">Every Redis endpoint refused the connection or does not exist.</exception>
    public static async Task CheckAsync(ParallelClientOptions options, CancellationToken cancellationToken)
    {
        var redis = ConfigurationOptions.Parse(options.ClusteringConnection!);
        redis.SetDefaultPorts();
        var failures = new List<string>();
        foreach (var endpoint in redis.EndPoints)
        {
            var (host, port) = endpoint switch
            {
                DnsEndPoint dns => (dns.Host, dns.Port),
                IPEndPoint ip => (ip.Address.ToString(), ip.Port),
                _ => (null, 0),
            };
            if (host is null) return; // an endpoint kind this check does not know: leave it to Orleans
            var (connection, failure, refused) = await TcpReach.ConnectAsync(host, port, options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
            connection?.Dispose();
            if (!refused) return; // it accepted, or gave no clear answer
            failures.Add(failure!);
        }
        if (failures.Count == 0) return;
        throw new ClusterUnreachableException(ConnectAdvice.NoRedisTable(options, failures));
    }
}
