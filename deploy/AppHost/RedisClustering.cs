using Aspire.Hosting.Orleans;

namespace Orleans.Parallel.AppHost;

/// <summary>
/// Orleans' Redis clustering on a <see cref="RedisServerResource"/>. Aspire.Hosting.Orleans names the
/// provider type after the resource's type ("RedisServer" here, not "Redis") and its way to say
/// otherwise is internal, so this gives silos and clients what it gives for Aspire's own Redis:
/// <c>Orleans__Clustering__ProviderType=Redis</c>, the resource's name as ServiceKey, and its connection string.
/// </summary>
public sealed class RedisClustering(IResourceBuilder<RedisServerResource> redis) : IProviderConfiguration
{
    public void ConfigureResource<T>(IResourceBuilder<T> resourceBuilder, string configSectionPath) where T : IResourceWithEnvironment
    {
        var prefix = $"Orleans__{configSectionPath.Replace(":", "__")}";
        resourceBuilder
            .WithEnvironment($"{prefix}__ProviderType", "Redis")
            .WithEnvironment($"{prefix}__ServiceKey", redis.Resource.Name)
            .WithReference(redis);
    }
}
