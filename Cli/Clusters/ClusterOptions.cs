using System.CommandLine;
using Orleans.Parallel.Security;

namespace Orleans.Parallel.Cli.Clusters;

/// <summary>
/// How every opx command names its cluster: <c>--connection-file</c>, or <c>--cluster-id</c> (whose
/// file is in <c>$OP_HOME/clusters/&lt;id&gt;/</c>), default cluster "dev", as ipcluster's profiles.
/// </summary>
internal sealed class ClusterOptions
{
    public const string DefaultClusterId = "dev";

    public Option<string?> ConnectionFile { get; } = new("--connection-file", "-f")
    {
        Description = "The cluster's connection file (opx start and silos print its path).",
    };

    public Option<string?> ClusterId { get; } = new("--cluster-id", "-c")
    {
        Description = $"The cluster's id; its connection file is in $OP_HOME (default ~/.orleans-parallel)/clusters/<id>/. Default: {DefaultClusterId}.",
    };

    /// <summary>Adds both options to <paramref name="command"/>, refusing the two together.</summary>
    public static ClusterOptions AddTo(Command command)
    {
        var options = new ClusterOptions();
        command.Options.Add(options.ConnectionFile);
        command.Options.Add(options.ClusterId);
        command.Validators.Add(result =>
        {
            if (result.GetValue(options.ConnectionFile) is not null && result.GetValue(options.ClusterId) is not null)
                result.AddError("Give --connection-file or --cluster-id, not both.");
        });
        return options;
    }

    /// <summary>The cluster the command line names.</summary>
    public ClusterLocation Resolve(ParseResult parse) =>
        parse.GetValue(ConnectionFile) is { } file
            ? ClusterLocation.OfFile(file)
            : ClusterLocation.OfId(parse.GetValue(ClusterId) ?? DefaultClusterId);
}
