using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orleans.Parallel.Security;

/// <summary>
/// What a client needs to reach a cluster, as ipyparallel's <c>ipcontroller-client.json</c>: its
/// gateways, cluster and service ids, clustering, and the cluster credential (inline PEM, or the path
/// of a PEM file). Silos write it, owner-only (0600, in a 0700 folder), at
/// <c>~/.orleans-parallel/clusters/&lt;cluster id&gt;/connection.json</c> (<see cref="DefaultPath"/>;
/// <c>OP_HOME</c> moves the root); clients read it. Whoever can read it can run code on the cluster.
/// </summary>
public sealed record ConnectionFile
{
    /// <summary>The file's name in a cluster's folder.</summary>
    public const string FileName = "connection.json";

    /// <summary>The environment variable that moves the folder of connection files (default <c>~/.orleans-parallel</c>).</summary>
    public const string HomeVariable = "OP_HOME";

    /// <summary>The Orleans cluster id.</summary>
    public string ClusterId { get; init; } = "dev";
    /// <summary>The Orleans service id.</summary>
    public string ServiceId { get; init; } = "dev";
    /// <summary>How the cluster's silos find each other: "localhost", "redis" or "azure".</summary>
    public string Clustering { get; init; } = "localhost";
    /// <summary>For "redis" or "azure" clustering: where the membership table is.</summary>
    public string? ClusteringConnection { get; init; }

    /// <summary>Gateways, "host:port"; the silos of a localhost cluster add theirs as they start.</summary>
    public IReadOnlyList<string> Gateways { get; init; } = [];

    /// <summary>The credential's PEM text (certificate and private key), when it is held here.</summary>
    public string? Credential { get; init; }

    /// <summary>Or the path of a PEM file that holds it.</summary>
    public string? CredentialPath { get; init; }

    /// <summary>Where Orleans.Parallel keeps connection files: <c>$OP_HOME</c>, or <c>~/.orleans-parallel</c>.</summary>
    public static string Root =>
        Environment.GetEnvironmentVariable(HomeVariable) is { Length: > 0 } home
            ? home
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".orleans-parallel");

    /// <summary>The connection file of the cluster <paramref name="clusterId"/> in this user's folder.</summary>
    public static string DefaultPath(string clusterId) => Path.Combine(Root, "clusters", FolderName(clusterId), FileName);

    /// <summary>The credential this file holds or names.</summary>
    /// <exception cref="ArgumentException">It holds none, or the named file is missing or unreadable.</exception>
    public ClusterCredential LoadCredential(string filePath)
    {
        if (Credential is { Length: > 0 } pem) return ClusterCredential.FromPem(pem);
        if (CredentialPath is { Length: > 0 } path)
        {
            if (!File.Exists(path)) throw new ArgumentException($"The connection file {filePath} names the credential file {path}, which does not exist.");
            return ClusterCredential.FromPem(File.ReadAllText(path));
        }
        throw new ArgumentException($"The connection file {filePath} holds no credential (neither \"credential\" nor \"credentialPath\").");
    }

    /// <summary>A gateway as the file holds it, "host:port".</summary>
    /// <exception cref="ArgumentException">It is not "host:port" with a port of 1..65535; <paramref name="parameter"/> is named.</exception>
    public static (string Host, int Port) ParseGateway(string? gateway, string parameter)
    {
        var colon = gateway?.LastIndexOf(':') ?? -1;
        if (gateway is null || colon <= 0
            || !int.TryParse(gateway.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
            || port is <= 0 or > 65535
            || string.IsNullOrWhiteSpace(gateway[..colon]))
            throw new ArgumentException($"The gateway '{gateway}' is not \"host:port\" with a port of 1..65535, such as \"127.0.0.1:30001\".", parameter);
        return (gateway[..colon], port);
    }

    /// <summary>Whether a file's text is a connection file (JSON) rather than PEM.</summary>
    public static bool IsConnectionFileText(string text) => text.TrimStart().StartsWith('{');

    /// <summary>Reads a connection file.</summary>
    /// <exception cref="FileNotFoundException">There is none at <paramref name="path"/>.</exception>
    /// <exception cref="ArgumentException">It is not a connection file.</exception>
    public static ConnectionFile Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new FileNotFoundException($"There is no connection file at {path}.", path, e);
        }
        try
        {
            return JsonSerializer.Deserialize<ConnectionFile>(text, Json) ?? throw new JsonException("it is empty");
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"{path} is not an Orleans.Parallel connection file: {e.Message}", nameof(path), e);
        }
    }

    /// <summary>
    /// Creates or changes the file at <paramref name="path"/> under a lock (silos of one cluster may
    /// start at once): <paramref name="change"/> gets what is there (null if nothing) and returns what
    /// to write. The file is replaced whole, owner-only, never half-written.
    /// </summary>
    public static ConnectionFile Update(string path, Func<ConnectionFile?, ConnectionFile> change)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        CreatePrivateFolder(folder);
        using var held = Lock(path + ".lock");
        var current = File.Exists(path) ? Read(path) : null;
        var next = change(current);
        var temporary = path + $".{Environment.ProcessId}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(temporary, options))
            JsonSerializer.Serialize(stream, next, Json);
        File.Move(temporary, path, overwrite: true);
        return next;
    }

    /// <summary>The cluster id as a folder name: letters, digits, '-', '_' and '.' kept, anything else '_'.</summary>
    private static string FolderName(string clusterId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clusterId);
        var name = new string([.. clusterId.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_')]);
        return name.Trim('.') is { Length: > 0 } trimmed ? trimmed : "_";
    }

    private static void CreatePrivateFolder(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
            return;
        }
        const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        // Every level this creates is the owner's alone (the root and clusters/ too).
        var missing = new Stack<string>();
        for (var at = folder; !Directory.Exists(at); at = Path.GetDirectoryName(at)!) missing.Push(at);
        while (missing.TryPop(out var create)) Directory.CreateDirectory(create, OwnerOnly);
    }

    /// <summary>An exclusive lock file, retried for a few seconds while another process holds it.</summary>
    private static FileStream Lock(string lockPath)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); // left in place: deleting it would race the next holder
            }
            catch (IOException) when (attempt < 200)
            {
                Thread.Sleep(25);
            }
        }
    }

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
