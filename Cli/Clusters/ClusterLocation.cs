using Orleans.Parallel.Security;

namespace Orleans.Parallel.Cli.Clusters;

/// <summary>
/// Where a cluster's files are: its connection file, and beside it the record of the process
/// <c>opx start</c> left running (<see cref="StartedCluster"/>) and that process's log.
/// </summary>
/// <param name="ConnectionFile">The connection file's full path.</param>
/// <param name="ClusterId">The id the user gave, when they named the cluster by id.</param>
internal sealed record ClusterLocation(string ConnectionFile, string? ClusterId)
{
    public static ClusterLocation OfId(string clusterId) => new(Security.ConnectionFile.DefaultPath(clusterId), clusterId);

    public static ClusterLocation OfFile(string path) => new(Path.GetFullPath(path), null);

    /// <summary>The cluster's folder: the connection file's.</summary>
    public string Folder => Path.GetDirectoryName(ConnectionFile)!;

    /// <summary>The record of the cluster <c>opx start</c> runs here.</summary>
    public string StartedFile => Path.Combine(Folder, StartedCluster.FileName);

    /// <summary>Where a cluster started with <c>--daemon</c> writes its output.</summary>
    public string LogFile => Path.Combine(Folder, "opx.log");

    /// <summary>How messages name it: "cluster 'dev'" or the connection file's path.</summary>
    public string Describe() => ClusterId is { } id ? $"cluster '{id}' ({ConnectionFile})" : ConnectionFile;
}
