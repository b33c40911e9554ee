using Microsoft.Extensions.Configuration;

namespace Orleans.Parallel.Hosting;

/// <summary>
/// What an Aspire app host tells a silo it references (<c>.WithReference(orleans)</c> of
/// Aspire.Hosting.Orleans), in Orleans' own configuration names (<c>Orleans__ClusterId</c>,
/// <c>Orleans__Clustering__ProviderType</c>, <c>Orleans__Endpoints__SiloPort</c>, <c>ConnectionStrings__…</c>),
/// turned into <see cref="SiloSettings"/> names. The silo reads them under its <c>OP_*</c> variables, so
/// an <c>OP_*</c> variable still wins over the app host's value. Only what a silo of this project can
/// use is taken; a clustering provider it has no counterpart for is refused, not silently dropped.
/// </summary>
internal static class AspireConfiguration
{
    /// <summary>Orleans' provider type names (Aspire derives them from the resource type) and this silo's clusterings.</summary>
    private static readonly Dictionary<string, string> Clusterings = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Redis"] = ClusterMembership.Redis,
        ["AzureTableStorage"] = ClusterMembership.Azure,
    };

    /// <summary>Adds the settings the process environment's <c>Orleans__*</c> variables give (none when there are none).</summary>
    public static IConfigurationBuilder AddAspireOrleans(this IConfigurationBuilder builder) =>
        builder.AddInMemoryCollection(Settings(new ConfigurationBuilder().AddEnvironmentVariables().Build()));

    /// <summary>The <see cref="SiloSettings"/> values (by property name) that Orleans' configuration in <paramref name="configuration"/> gives.</summary>
    /// <exception cref="ArgumentException">A clustering provider this silo cannot use, or one without its connection string.</exception>
    public static Dictionary<string, string?> Settings(IConfiguration configuration)
    {
        var orleans = configuration.GetSection("Orleans");
        var settings = new Dictionary<string, string?>();
        void Take(string key, string setting)
        {
            if (orleans[key] is { Length: > 0 } value) settings[setting] = value;
        }
        Take("ClusterId", nameof(SiloSettings.ClusterId));
        Take("ServiceId", nameof(SiloSettings.ServiceId));
        Take("Endpoints:SiloPort", nameof(SiloSettings.SiloPort));
        Take("Endpoints:GatewayPort", nameof(SiloSettings.GatewayPort));
        if (orleans["Clustering:ProviderType"] is not { Length: > 0 } provider) return settings;
        if (!Clusterings.TryGetValue(provider, out var clustering))
            throw new ArgumentException(
                $"Orleans:Clustering:ProviderType '{provider}' (from an Aspire app host) has no counterpart in this silo: it takes " +
                $"{string.Join(" or ", Clusterings.Keys)}. Give the app host a Redis or Azure Table clustering resource.", nameof(configuration));
        // Aspire names the resource in ServiceKey and passes its connection string as ConnectionStrings__<name>.
        var key = orleans["Clustering:ServiceKey"];
        var connection = key is { Length: > 0 } ? configuration.GetConnectionString(key) : null;
        if (connection is not { Length: > 0 })
            throw new ArgumentException(
                $"Orleans:Clustering:ProviderType is '{provider}', but there is no connection string ConnectionStrings:{key} for its resource '{key}'.", nameof(configuration));
        settings[nameof(SiloSettings.Clustering)] = clustering;
        settings[nameof(SiloSettings.ClusteringConnection)] = connection;
        return settings;
    }
}
