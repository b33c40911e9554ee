using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Orleans.Parallel.Grains.Isolation.Parent;

/// <summary>
/// How an engine process is started: <c>dotnet exec</c> of the small engine program with the
/// silo's own dependency manifest, so the process sees every assembly the silo does (the user's
/// own, referenced by the host program, included), on the runtime and frameworks the silo runs on,
/// wherever the silo runs (the silo tool, opx, LocalCluster inside a program, a test host).
/// </summary>
internal static partial class ChildLaunch
{
    public const string ProgramFile = "Orleans.Parallel.EngineProcess.dll";

    /// <summary>The engine program: the configured path, else beside this library, else in the application's folder.</summary>
    public static string FindProgram(string? configured)
    {
        if (configured is not null)
            return File.Exists(configured) ? configured
                : throw new FileNotFoundException($"The engine process program {configured} (EngineProcessOptions.Program) does not exist.", configured);
        string[] candidates =
        [
            Path.Combine(Path.GetDirectoryName(typeof(ChildLaunch).Assembly.Location) ?? "", ProgramFile),
            Path.Combine(AppContext.BaseDirectory, ProgramFile),
        ];
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException(
                $"Isolated engines need {ProgramFile}, which is not beside Orleans.Parallel.Grains.dll nor in {AppContext.BaseDirectory}. " +
                "It comes with the Orleans.Parallel.Hosting package; a host that copies assemblies itself must copy it too, or set EngineProcessOptions.Program.", ProgramFile);
    }

    /// <summary>
    /// The command that starts one engine process listening on nothing, connecting to <paramref name="socket"/>,
    /// told the most bytes one of the silo's messages carries.
    /// </summary>
    public static ProcessStartInfo Command(string program, string runtimeConfig, string socket, long maxMessageBytes)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = false,
            WorkingDirectory = Environment.CurrentDirectory,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add("--runtimeconfig");
        start.ArgumentList.Add(runtimeConfig);
        if (HostDepsFile() is { } deps)
        {
            start.ArgumentList.Add("--depsfile");
            start.ArgumentList.Add(deps);
        }
        foreach (var probe in Split(AppContext.GetData("PROBING_DIRECTORIES") as string, Path.PathSeparator))
        {
            start.ArgumentList.Add("--additionalprobingpath");
            start.ArgumentList.Add(probe);
        }
        start.ArgumentList.Add(program);
        start.ArgumentList.Add("--socket");
        start.ArgumentList.Add(socket);
        start.ArgumentList.Add("--max-message-bytes");
        start.ArgumentList.Add(maxMessageBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // The process's runtime settings are its runtimeconfig's, not the silo's environment's.
        foreach (var name in start.Environment.Keys.Where(k =>
                     k.StartsWith("DOTNET_GCHeapHardLimit", StringComparison.OrdinalIgnoreCase) || k.StartsWith("COMPlus_GCHeapHardLimit", StringComparison.OrdinalIgnoreCase)
                     || k.Equals("DOTNET_gcServer", StringComparison.OrdinalIgnoreCase) || k.Equals("OP_HEAPLIMIT", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(name);
        return start;
    }

    /// <summary>
    /// Writes the engine processes' runtimeconfig into <paramref name="folder"/>: the frameworks (and
    /// versions) this silo runs on, workstation GC (a process runs one engine), and the heap limit.
    /// </summary>
    public static string WriteRuntimeConfig(string folder, long? memoryLimit)
    {
        var frameworks = new JsonArray();
        foreach (var (name, version) in RunningFrameworks())
            frameworks.Add(new JsonObject { ["name"] = name, ["version"] = version });
        var properties = new JsonObject
        {
            ["System.GC.Server"] = false,
            ["System.GC.Concurrent"] = false,
            ["System.Runtime.TieredPGO"] = false,
        };
        if (memoryLimit is { } limit) properties["System.GC.HeapHardLimit"] = limit;
        // Compiled as the silo is: a silo that runs fully optimized code from the start (the silo tool
        // turns tiered compilation off) wants its engines' tasks to, too.
        if (AppContext.GetData("System.Runtime.TieredCompilation") is string tiered && bool.TryParse(tiered, out var on))
            properties["System.Runtime.TieredCompilation"] = on;
        var config = new JsonObject
        {
            ["runtimeOptions"] = new JsonObject
            {
                ["tfm"] = $"net{Environment.Version.Major}.{Environment.Version.Minor}",
                ["frameworks"] = frameworks,
                ["configProperties"] = properties,
            },
        };
        var path = Path.Combine(folder, "engine.runtimeconfig.json");
        File.WriteAllText(path, config.ToJsonString());
        return path;
    }

    /// <summary>The shared frameworks this process loaded from, by name and version (Microsoft.NETCore.App first).</summary>
    private static IEnumerable<(string Name, string Version)> RunningFrameworks()
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in Split(AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string, Path.PathSeparator))
            if (SharedFramework().Match(path) is { Success: true } m) found.TryAdd(m.Groups["name"].Value, m.Groups["version"].Value);
        found.TryAdd("Microsoft.NETCore.App", Environment.Version.ToString(3));
        return found.OrderBy(f => f.Key == "Microsoft.NETCore.App" ? 0 : 1).Select(f => (f.Key, f.Value));
    }

    [GeneratedRegex(@"[/\\]shared[/\\](?<name>Microsoft\.[A-Za-z.]+)[/\\](?<version>\d+\.\d+\.\d+[^/\\]*)[/\\]")]
    private static partial Regex SharedFramework();

    /// <summary>The silo's dependency manifest, if it has one (a single-file or notebook host may not).</summary>
    private static string? HostDepsFile() =>
        Split(AppContext.GetData("APP_CONTEXT_DEPS_FILES") as string).FirstOrDefault(File.Exists);

    /// <summary>The dotnet host the runtime came with (the silo itself may be an apphost or a test host).</summary>
    private static string DotnetHost()
    {
        var exe = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "dotnet.exe" : "dotnet";
        // …/shared/Microsoft.NETCore.App/<version>/ → …/dotnet
        var runtime = RuntimeEnvironment.GetRuntimeDirectory().TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        var root = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(runtime)));
        if (root is not null && File.Exists(Path.Combine(root, exe))) return Path.Combine(root, exe);
        if (Environment.ProcessPath is { } self && Path.GetFileName(self).Equals(exe, StringComparison.OrdinalIgnoreCase)) return self;
        return exe; // from PATH
    }

    private static IEnumerable<string> Split(string? list, char separator = ';') =>
        (list ?? "").Split(separator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
