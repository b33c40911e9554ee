namespace Orleans.Parallel.SampleClient;

/// <summary>
/// The cluster as an Aspire app host describes it to a client (<c>.WithReference(orleans.AsClient())</c>
/// of Aspire.Hosting.Orleans): cluster and service id, and the Redis membership table's connection
/// string, in Orleans' own variables. The credential comes from <c>OP_CREDENTIALPEM</c>, which
/// <see cref="ParallelClient.ConnectAsync"/> reads itself.
/// </summary>
internal static class AspireCluster
{
    public static ParallelClientOptions Options()
    {
        var provider = Variable("Orleans__Clustering__ProviderType");
        if (!string.Equals(provider, "Redis", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"This sample expects Redis clustering from an Aspire app host (Orleans__Clustering__ProviderType=Redis), not '{provider}': run it with dotnet run --project deploy/AppHost.");
        var key = Variable("Orleans__Clustering__ServiceKey");
        return new ParallelClientOptions
        {
            ClusterId = Variable("Orleans__ClusterId"),
            ServiceId = Variable("Orleans__ServiceId"),
            Clustering = ClusterMembership.Redis,
            ClusteringConnection = Variable($"ConnectionStrings__{key}"),
            ConnectTimeout = TimeSpan.FromMinutes(1),
        };
    }

    private static string Variable(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value
            : throw new InvalidOperationException($"{name} is not set: this sample runs under the Aspire app host (dotnet run --project deploy/AppHost).");
}
