using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Orleans.Parallel.Tests.Deploy;

/// <summary>
/// Renders deploy/kubernetes with <c>kubectl kustomize</c> and validates manifests offline with
/// kubernetes-validate/validate.mjs (the Kubernetes API's schemas from the npm package kubernetes-models,
/// unknown fields being errors). Installs what it needs when run as root on a fresh machine: Node.js
/// and npm from Debian's packages, then the script's pinned packages (package-lock.json) with npm ci.
/// </summary>
internal static class KubernetesValidator
{
    private static readonly SemaphoreSlim Installing = new(1, 1);
    private static string? _installed;

    /// <summary>deploy/kubernetes in this repository.</summary>
    public static string ManifestRoot { get; } = Path.Combine(Podman.RepositoryRoot, "deploy", "kubernetes");

    private static string Sources => Path.Combine(Podman.RepositoryRoot, "tests", "Orleans.Parallel.Tests", "Deploy", "kubernetes-validate");

    /// <summary>What validate.mjs found: every document it parsed, and every error.</summary>
    public sealed record Result(IReadOnlyList<JsonElement> Documents, IReadOnlyList<string> Errors);

    /// <summary>Validates the documents of <paramref name="files"/>.</summary>
    public static async Task<Result> ValidateAsync(params string[] files)
    {
        var folder = await InstallAsync();
        var result = Path.Combine(Path.GetTempPath(), $"op-kubernetes-{Guid.NewGuid():N}.json");
        try
        {
            var (exit, output) = await ProgramRun.RunAsync(Program("node"), [Path.Combine(folder, "validate.mjs"), "--out", result, .. files]);
            if (!File.Exists(result)) throw new InvalidOperationException($"validate.mjs wrote no result ({exit}):\n{output}");
            using var json = JsonDocument.Parse(File.ReadAllText(result));
            var documents = json.RootElement.GetProperty("documents").EnumerateArray().Select(d => d.GetProperty("object").Clone()).ToList();
            var errors = json.RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!).ToList();
            return new Result(documents, errors);
        }
        finally
        {
            File.Delete(result);
        }
    }

    /// <summary><c>kubectl kustomize</c> of <paramref name="folder"/> into a new temporary file (the caller deletes it).</summary>
    public static async Task<string> RenderAsync(string folder)
    {
        // kubectl, not Debian's: the kustomize inside kubernetes-client 1.20 (v2.0.3) cannot read
        // today's kustomizations (folders in resources:, patches: with path:). The project's machine
        // image has a current kubectl (kustomize v5); so do most users'.
        var kubectl = Program("kubectl");
        var output = Path.Combine(Path.GetTempPath(), $"op-kustomize-{Guid.NewGuid():N}.yaml");
        var (exit, printed) = await ProgramRun.RunAsync(kubectl, ["kustomize", folder, "--output", output]);
        if (exit != 0) throw new InvalidOperationException($"kubectl kustomize {folder} failed ({exit}):\n{printed}");
        // kustomize warns of deprecated fields on stderr: a kustomization that draws warnings is not kept right.
        Assert.True(printed.Trim().Length == 0, $"kubectl kustomize {folder} printed:\n{printed}");
        return output;
    }

    /// <summary>The folder holding validate.mjs and its packages, installed once for its exact contents.</summary>
    private static async Task<string> InstallAsync()
    {
        await Installing.WaitAsync();
        try
        {
            if (_installed is not null) return _installed;
            await EnsureNodeAsync();
            // Named by a hash of the script and its pinned packages: a change installs anew, and test
            // runs at once (other worktrees) share a finished folder, never a half-installed one.
            string[] files = ["package.json", "package-lock.json", "validate.mjs"];
            var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Concat(files.Select(f => File.ReadAllText(Path.Combine(Sources, f)))))))[..16].ToLowerInvariant();
            var folder = Path.Combine(Path.GetTempPath(), $"op-kubernetes-validate-{hash}");
            if (!File.Exists(Path.Combine(folder, "node_modules", ".package-lock.json")))
            {
                var partial = $"{folder}.{Environment.ProcessId}.partial";
                if (Directory.Exists(partial)) Directory.Delete(partial, recursive: true);
                Directory.CreateDirectory(partial);
                foreach (var file in files) File.Copy(Path.Combine(Sources, file), Path.Combine(partial, file));
                var (exit, output) = await ProgramRun.RunAsync(Program("npm"), ["ci", "--no-fund", "--no-audit", "--prefix", partial], timeout: TimeSpan.FromMinutes(5));
                if (exit != 0) throw new InvalidOperationException($"npm ci of kubernetes-validate failed ({exit}):\n{output}");
                try
                {
                    Directory.Move(partial, folder);
                }
                catch (IOException) when (Directory.Exists(folder))
                {
                    Directory.Delete(partial, recursive: true); // another run finished first: its folder is the same
                }
            }
            return _installed = folder;
        }
        finally
        {
            Installing.Release();
        }
    }

    /// <summary>Node.js and npm: installed from Debian's packages when missing (as root, as CI runs), as for Azurite.</summary>
    private static async Task EnsureNodeAsync()
    {
        if (Find("npm") is not null && Find("node") is not null) return;
        if (Environment.UserName != "root") throw new InvalidOperationException("The Kubernetes manifest tests need Node.js and npm: apt-get install nodejs npm, or run the tests as root, which installs them.");
        var noninteractive = new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" };
        foreach (var arguments in new[] { new[] { "update" }, ["install", "-y", "--no-install-recommends", "-o", "DPkg::Lock::Timeout=300", "nodejs", "npm"] })
        {
            var (exit, output) = await ProgramRun.RunAsync("apt-get", arguments, noninteractive, TimeSpan.FromMinutes(10));
            if (exit != 0) throw new InvalidOperationException($"apt-get {string.Join(' ', arguments)} failed ({exit}):\n{output}");
        }
    }

    private static string Program(string name) =>
        Find(name) ?? throw new InvalidOperationException(name == "kubectl"
            ? "The Kubernetes manifest tests render deploy/kubernetes with kubectl kustomize (kubectl 1.21 or later; Debian's kubernetes-client 1.20 is too old), and there is no kubectl on this machine."
            : $"{name} is not installed.");

    private static string? Find(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(["/usr/local/bin", "/usr/bin"])
            .Select(folder => Path.Combine(folder, name)).FirstOrDefault(File.Exists);
}
