using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Orleans.Parallel.Tests.Deploy;

/// <summary>
/// Renders deploy/kubernetes with <c>kubectl kustomize</c> where there is a kubectl (1.21 or later), and
/// with kubernetes-validate/render.mjs, which implements the part of Kustomize those folders use and
/// refuses the rest, where there is none (CI's fresh machine: no package source it can install from has
/// a kubectl that reads these kustomizations); KubernetesManifestTests checks that both give the same
/// objects wherever both run. Validates manifests offline with kubernetes-validate/validate.mjs (the
/// Kubernetes API's schemas from the npm package kubernetes-models, unknown fields being errors).
/// Installs what it needs when run as root on a fresh machine: Node.js and npm from Debian's packages,
/// then the scripts' pinned packages (package-lock.json) with npm ci.
/// <para>
/// With <c>OP_TEST_NO_KUBECTL=1</c> in the environment it acts as if there were no kubectl, to run the
/// render.mjs path on a machine that has one: <c>OP_TEST_NO_KUBECTL=1 dotnet test tests/Orleans.Parallel.Tests
/// --filter "FullyQualifiedName~Kubernetes"</c>.
/// </para>
/// </summary>
internal static class KubernetesValidator
{
    /// <summary>The environment variable that, set to 1, hides kubectl from these tests.</summary>
    public const string NoKubectlVariable = "OP_TEST_NO_KUBECTL";

    private static readonly SemaphoreSlim Installing = new(1, 1);
    private static string? _installed;
    private static readonly Lazy<(string? Path, string Renderer)> Kubectl = new(FindKubectl);

    /// <summary>deploy/kubernetes in this repository.</summary>
    public static string ManifestRoot { get; } = Path.Combine(Podman.RepositoryRoot, "deploy", "kubernetes");

    private static string Sources => Path.Combine(Podman.RepositoryRoot, "tests", "Orleans.Parallel.Tests", "Deploy", "kubernetes-validate");

    /// <summary>The kubectl that <see cref="RenderAsync"/> uses, or null when it uses render.mjs.</summary>
    public static string? KubectlPath => Kubectl.Value.Path;

    /// <summary>What <see cref="RenderAsync"/> renders with, and why, for the tests' output.</summary>
    public static string Renderer => Kubectl.Value.Renderer;

    /// <summary>What validate.mjs found: every document it parsed (and the file it came from), and every error.</summary>
    public sealed record Result(IReadOnlyList<JsonElement> Documents, IReadOnlyList<string> Errors, IReadOnlyList<string> Files);

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
            var documents = json.RootElement.GetProperty("documents").EnumerateArray().ToList();
            var errors = json.RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!).ToList();
            return new Result([.. documents.Select(d => d.GetProperty("object").Clone())], errors, [.. documents.Select(d => d.GetProperty("file").GetString()!)]);
        }
        finally
        {
            File.Delete(result);
        }
    }

    /// <summary>
    /// <paramref name="folder"/> rendered into a new temporary file (the caller deletes it): by
    /// <c>kubectl kustomize</c> where there is a kubectl, else by render.mjs (<see cref="Renderer"/> says which).
    /// </summary>
    public static Task<string> RenderAsync(string folder) => KubectlPath is null ? RenderWithNodeAsync(folder) : RenderWithKubectlAsync(folder);

    /// <summary><c>kubectl kustomize</c> of <paramref name="folder"/> into a new temporary file (the caller deletes it).</summary>
    public static async Task<string> RenderWithKubectlAsync(string folder)
    {
        var kubectl = KubectlPath ?? throw new InvalidOperationException($"No kubectl to render {folder} with: {Renderer}.");
        return await RenderWithAsync(kubectl, ["kustomize", folder], "kubectl kustomize", folder);
    }

    /// <summary>kubernetes-validate/render.mjs's rendering of <paramref name="folder"/> into a new temporary file (the caller deletes it).</summary>
    public static async Task<string> RenderWithNodeAsync(string folder)
    {
        var scripts = await InstallAsync();
        return await RenderWithAsync(Program("node"), [Path.Combine(scripts, "render.mjs"), folder], "render.mjs", folder);
    }

    private static async Task<string> RenderWithAsync(string program, string[] arguments, string name, string folder)
    {
        var output = Path.Combine(Path.GetTempPath(), $"op-kustomize-{Guid.NewGuid():N}.yaml");
        var (exit, printed) = await ProgramRun.RunAsync(program, [.. arguments, "--output", output]);
        if (exit != 0)
        {
            File.Delete(output);
            throw new InvalidOperationException($"{name} {folder} failed ({exit}):\n{printed}");
        }
        // kustomize warns of deprecated fields on stderr: a kustomization that draws warnings is not kept right.
        // render.mjs prints nothing when it renders.
        Assert.True(printed.Trim().Length == 0, $"{name} {folder} printed:\n{printed}");
        return output;
    }

    /// <summary>
    /// The kubectl on PATH, unless <see cref="NoKubectlVariable"/> hides it or it is older than 1.21: the
    /// kustomize inside Debian's kubernetes-client 1.20 (v2.0.3) cannot read today's kustomizations (folders
    /// in resources:, patches: with path:). The project's machine image has a current kubectl (kustomize v5);
    /// so do most users'.
    /// </summary>
    private static (string? Path, string Renderer) FindKubectl()
    {
        if (Environment.GetEnvironmentVariable(NoKubectlVariable) is "1") return (null, $"render.mjs ({NoKubectlVariable}=1 hides kubectl)");
        if (Find("kubectl") is not { } kubectl) return (null, "render.mjs (no kubectl on this machine)");
        int exit = -1;
        var output = "";
        try
        {
            (exit, output) = ProgramRun.RunAsync(kubectl, ["version", "--client", "-o", "json"], timeout: TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
            using var json = JsonDocument.Parse(output[output.IndexOf('{')..]);
            var client = json.RootElement.GetProperty("clientVersion");
            var version = client.GetProperty("gitVersion").GetString();
            var minor = int.Parse(new string([.. client.GetProperty("minor").GetString()!.TakeWhile(char.IsAsciiDigit)]));
            if (exit != 0 || client.GetProperty("major").GetString() != "1") throw new FormatException();
            if (minor < 21) return (null, $"render.mjs ({kubectl} is {version}, older than 1.21: its kustomize cannot read these kustomizations)");
            var kustomize = json.RootElement.TryGetProperty("kustomizeVersion", out var k) ? $", kustomize {k.GetString()}" : "";
            return (kubectl, $"kubectl kustomize ({kubectl} {version}{kustomize})");
        }
        catch (Exception e)
        {
            // Not a kubectl this can use (it does not run, or says no version): render.mjs, saying so.
            return (null, $"render.mjs ({kubectl} version --client failed ({exit}): {(output.Trim().Length > 0 ? output.Trim() : e.Message)})");
        }
    }

    /// <summary>The folder holding validate.mjs, render.mjs and their packages, installed once for its exact contents.</summary>
    private static async Task<string> InstallAsync()
    {
        await Installing.WaitAsync();
        try
        {
            if (_installed is not null) return _installed;
            await EnsureNodeAsync();
            // Named by a hash of the scripts and their pinned packages: a change installs anew, and test
            // runs at once (other worktrees) share a finished folder, never a half-installed one.
            string[] files = ["package.json", "package-lock.json", "validate.mjs", "render.mjs"];
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

    private static string Program(string name) => Find(name) ?? throw new InvalidOperationException($"{name} is not installed.");

    private static string? Find(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(["/usr/local/bin", "/usr/bin"])
            .Select(folder => Path.Combine(folder, name)).FirstOrDefault(File.Exists);
}
