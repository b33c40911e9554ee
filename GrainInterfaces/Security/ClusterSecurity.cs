namespace Orleans.Parallel.Security;

/// <summary>
/// How a silo or client of this process talks to the cluster, registered in its services: with a
/// <see cref="ClusterCredential"/> (mutual TLS on every connection, the default everywhere), or,
/// only when asked for by name, insecure. Engines refuse to start on a silo that has not said which
/// (they run whatever code a client sends), and the bulk port follows what Orleans' ports do.
/// </summary>
public sealed class ClusterSecurity
{
    private ClusterSecurity(ClusterCredential? credential) => Credential = credential;

    /// <summary>The credential every connection presents and checks; null when insecure.</summary>
    public ClusterCredential? Credential { get; }

    /// <summary>Whether connections go without TLS (<c>--insecure</c>).</summary>
    public bool IsInsecure => Credential is null;

    /// <summary>Mutual TLS with <paramref name="credential"/>.</summary>
    public static ClusterSecurity Secure(ClusterCredential credential) => new(credential ?? throw new ArgumentNullException(nameof(credential)));

    /// <summary>No TLS and no authentication: anyone who reaches a port can run code as the silo's user.</summary>
    public static ClusterSecurity Insecure { get; } = new(null);

    /// <summary>The warning an insecure silo or client prints.</summary>
    public const string InsecureWarning =
        "WARNING: --insecure: no TLS and no credential. Anyone who can reach this silo's ports can run any code on it as this user, and read every value sent.";
}
