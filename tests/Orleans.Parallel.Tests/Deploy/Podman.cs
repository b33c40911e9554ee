namespace Orleans.Parallel.Tests.Deploy;

/// <summary>
/// Runs podman (and the scripts in deploy/) for the container tests, and finds the repository they
/// build from. The image is built once per test run, by deploy/build-image.sh with local base images
/// (no registry is reachable here), which installs podman itself when run as root, as CI runs it.
/// </summary>
internal static class Podman
{
    public const string Image = "localhost/orleans-parallel-silo:test";

    /// <summary>The local stand-ins for the official redis and postgres images (deploy/local-images/build.sh).</summary>
    public const string RedisImage = "localhost/op-redis:7", PostgresImage = "localhost/op-postgres:15";

    private static readonly SemaphoreSlim Building = new(1, 1);
    private static bool _built, _servicesBuilt;

    /// <summary>The repository's root: the folder above the test binaries that holds deploy/.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "deploy", "build-image.sh"))) return dir.FullName;
        throw new InvalidOperationException($"No deploy/build-image.sh above {AppContext.BaseDirectory}: the container tests run from the repository's build output.");
    }

    /// <summary>Builds <see cref="Image"/> from deploy/Dockerfile, once per test run.</summary>
    public static async Task BuildImageAsync()
    {
        await Building.WaitAsync();
        try
        {
            if (_built) return;
            var (exit, output) = await ProgramRun.RunAsync(Path.Combine(RepositoryRoot, "deploy", "build-image.sh"), [Image],
                new Dictionary<string, string> { ["OP_LOCAL_BASE"] = "1" }, TimeSpan.FromMinutes(15));
            if (exit != 0) throw new InvalidOperationException($"deploy/build-image.sh failed ({exit}):\n{output}");
            _built = true;
        }
        finally
        {
            Building.Release();
        }
    }

    /// <summary>
    /// Builds <see cref="RedisImage"/> and <see cref="PostgresImage"/> (after <see cref="BuildImageAsync"/>,
    /// whose base they use), once per test run, and installs podman-compose when it is missing (as root).
    /// </summary>
    public static async Task BuildServiceImagesAsync()
    {
        await Building.WaitAsync();
        try
        {
            if (_servicesBuilt) return;
            if ((await ProgramRun.RunAsync("sh", ["-c", "command -v podman-compose"])).Exit != 0)
            {
                var noninteractive = new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" };
                await ProgramRun.RunAsync("apt-get", ["update", "-q"], noninteractive, TimeSpan.FromMinutes(10));
                var install = await ProgramRun.RunAsync("apt-get", ["install", "-y", "-q", "--no-install-recommends", "-o", "DPkg::Lock::Timeout=300", "podman-compose"], noninteractive, TimeSpan.FromMinutes(10));
                if (install.Exit != 0) throw new InvalidOperationException($"podman-compose is missing and apt-get could not install it ({install.Exit}); install it with 'apt-get install -y podman-compose':\n{install.Output}");
            }
            var (exit, output) = await ProgramRun.RunAsync(Path.Combine(RepositoryRoot, "deploy", "local-images", "build.sh"), [], timeout: TimeSpan.FromMinutes(15));
            if (exit != 0) throw new InvalidOperationException($"deploy/local-images/build.sh failed ({exit}):\n{output}");
            _servicesBuilt = true;
        }
        finally
        {
            Building.Release();
        }
    }

    /// <summary>Runs podman with <paramref name="arguments"/>; throws with its output if it fails.</summary>
    public static async Task<string> CheckedAsync(params string[] arguments)
    {
        var (exit, output) = await ProgramRun.RunAsync("podman", arguments);
        if (exit != 0) throw new InvalidOperationException($"podman {string.Join(' ', arguments)} failed ({exit}):\n{output}");
        return output;
    }
}
