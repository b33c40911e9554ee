using Azure.Data.Tables;
using Microsoft.Extensions.Hosting;

namespace Orleans.Parallel;

/// <summary>
/// How silos find each other and clients find gateways: Orleans' membership providers that need no
/// setup scripts. <see cref="Localhost"/> is one machine (the first silo holds the table);
/// <see cref="Redis"/> and <see cref="Azure"/> keep the table in a Redis server or an Azure Storage
/// account (or Azurite), so silos on several machines, and a client, find the same cluster.
/// </summary>
public static class ClusterMembership
{
    /// <summary>Silos on this machine; clients connect to one gateway port. The default.</summary>
    public const string Localhost = "localhost";

    /// <summary>A Redis server holds the membership table (connection: a StackExchange.Redis configuration string, "host:port").</summary>
    public const string Redis = "redis";

    /// <summary>Azure Table storage holds it (connection: a storage connection string; Azurite's works).</summary>
    public const string Azure = "azure";

    /// <summary>Every kind, for messages and validation.</summary>
    public static IReadOnlyList<string> Kinds { get; } = [Localhost, Redis, Azure];

    /// <summary>Throws, saying what to do, unless <paramref name="kind"/> and <paramref name="connection"/> go together.</summary>
    public static void Validate(string? kind, string? connection, string kindName, string connectionName)
    {
        if (kind is null || !Kinds.Contains(kind))
            throw new ArgumentException($"Unknown clustering '{kind}': use one of {string.Join(", ", Kinds)}.", kindName);
        if (kind != Localhost && string.IsNullOrWhiteSpace(connection))
            throw new ArgumentException(
                kind == Redis
                    ? $"Clustering '{Redis}' needs a connection: the Redis server's address, such as 'localhost:6379'."
                    : $"Clustering '{Azure}' needs a connection: an Azure Storage connection string (for Azurite, 'UseDevelopmentStorage=true' or its full form).",
                connectionName);
        if (kind == Azure)
        {
            try
            {
                _ = new TableServiceClient(connection);
            }
            catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
            {
                throw new ArgumentException($"The Azure Storage connection string is not valid: {e.Message}", connectionName, e);
            }
        }
    }

    /// <summary>The client side: find gateways in the same table the silos use (or at the given addresses for <see cref="Localhost"/>).</summary>
    internal static void Configure(Orleans.Hosting.IClientBuilder client, ParallelClientOptions options, System.Net.IPEndPoint[] gateways)
    {
        switch (options.Clustering)
        {
            case Redis:
                client.UseRedisClustering(options.ClusteringConnection!);
                break;
            case Azure:
                client.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(options.ClusteringConnection));
                break;
            default:
                client.UseStaticClustering(gateways);
                break;
        }
    }
}
