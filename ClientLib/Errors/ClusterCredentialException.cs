namespace Orleans.Parallel.Errors;

/// <summary>
/// <see cref="ParallelClient.ConnectAsync"/> has no credential for the cluster, or the cluster refused
/// the one it has (or presented one this client does not trust). The message says which, where the
/// cluster's connection file is, and how to get the right one. Nothing was sent to the cluster.
/// </summary>
public sealed class ClusterCredentialException(string message, Exception? innerException = null)
    : InvalidOperationException(message, innerException);
