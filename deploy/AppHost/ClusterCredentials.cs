using Microsoft.Extensions.Configuration;
using Orleans.Parallel.Security;

namespace Orleans.Parallel.AppHost;

/// <summary>The cluster credential the app host hands to silos and client, as PEM text.</summary>
internal static class ClusterCredentials
{
    /// <summary>A credential configured for the "credential" parameter (user secrets, <c>Parameters__credential</c>), checked to be one.</summary>
    public static string? Configured(IConfiguration configuration)
    {
        if (configuration["Parameters:credential"] is not { Length: > 0 } pem) return null;
        try
        {
            using var _ = ClusterCredential.FromPem(pem); // a bad one fails here, once, not in every silo
        }
        catch (Exception e) when (e is ArgumentException or System.Security.Cryptography.CryptographicException)
        {
            throw new InvalidOperationException($"Parameters:credential is not a cluster credential (the PEM of its certificate and key): {e.Message}", e);
        }
        return pem;
    }

    /// <summary>A new credential for <paramref name="clusterId"/>: a run without one configured is a new cluster.</summary>
    public static string Generate(string clusterId)
    {
        using var credential = ClusterCredential.Generate(clusterId);
        return credential.ToPem();
    }
}
