using System.Diagnostics;
using System.Text;
using System.Xml.Linq;

namespace Orleans.Parallel.Tests.Packaging;

/// <summary>
/// The solution's packages, packed once into a local folder feed with a version of their own, and a
/// nuget.config that restores from that feed alone (other packages — Orleans and the rest — come from
/// this machine's package cache as a fallback folder, so nothing is fetched).
/// </summary>
public sealed class PackageFeed : IAsyncLifetime
{
    public string Root { get; } = Directory.CreateTempSubdirectory("op-packages-").FullName;
    public string Feed => Path.Combine(Root, "feed");
    public string NuGetConfig => Path.Combine(Root, "nuget.config");

    /// <summary>The version from packaging/Packaging.props, with a prerelease suffix unique to this run.</summary>
    public string Version { get; private set; } = "";

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Orleans.Parallel.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("Orleans.Parallel.sln was not found above the test assembly's folder.");
    }

    public static string VersionPrefix() =>
        XDocument.Load(Path.Combine(RepositoryRoot(), "packaging", "Packaging.props")).Descendants("VersionPrefix").Single().Value;

    public async Task InitializeAsync()
    {
        var suffix = "test." + DateTime.UtcNow.ToString("yyyyMMddHHmmss") + "." + Environment.ProcessId;
        Version = VersionPrefix() + "-" + suffix;
        // Its own artifacts folder: the repository's bin and obj (which the running tests came from) stay as they are.
        var (exit, output) = await DotnetAsync(Root, ["pack", Path.Combine(RepositoryRoot(), "packaging", "Packages.slnf"),
            "--artifacts-path", Path.Combine(Root, "artifacts"), "-o", Feed, $"-p:VersionSuffix={suffix}"], TimeSpan.FromMinutes(10));
        Assert.True(exit == 0, "dotnet pack failed:\n" + output);
        await InstallAotPackagesAsync();
        var fallback = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } cache
            ? cache
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        File.WriteAllText(NuGetConfig, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{Feed}" />
              </packageSources>
              <config>
                <add key="globalPackagesFolder" value="{Path.Combine(Root, "packages")}" />
              </config>
              <fallbackPackageFolders>
                <clear />
                <add key="machine" value="{fallback}" />
              </fallbackPackageFolders>
            </configuration>
            """);
    }

    /// <summary>
    /// A project that sets PublishAot (a file-based app does by default) restores the native AOT
    /// compiler and runtime packs, which a machine that never published one lacks; the feed's own
    /// nuget.config only falls back to this machine's cache. So they are installed there first, from
    /// the machine's usual sources, as the server tests install their servers (a no-op once there).
    /// </summary>
    private async Task InstallAotPackagesAsync()
    {
        var project = Path.Combine(Root, "aot-packages");
        Directory.CreateDirectory(project);
        File.WriteAllText(Path.Combine(project, "AotPackages.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <PublishAot>true</PublishAot>
              </PropertyGroup>
            </Project>
            """);
        var (exit, output) = await DotnetAsync(project, ["restore"], TimeSpan.FromMinutes(10));
        Assert.True(exit == 0, "restoring the native AOT packages into this machine's cache failed:\n" + output);
    }

    public Task DisposeAsync()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { /* a tool's process may still hold a file for a moment; the temp folder is cleaned later */ }
        return Task.CompletedTask;
    }

    /// <summary>
    /// Runs the dotnet CLI in <paramref name="directory"/>, without the variables <c>dotnet test</c> set
    /// for its own build (they would point a child build at this one's MSBuild).
    /// </summary>
    public static async Task<(int Exit, string Output)> DotnetAsync(string directory, IEnumerable<string> arguments, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k is "DOTNET_HOST_PATH").ToArray())
            start.Environment.Remove(name);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        return await RunAsync(start, timeout);
    }

    public static async Task<(int Exit, string Output)> RunAsync(ProcessStartInfo start, TimeSpan timeout)
    {
        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            lock (output) throw new TimeoutException($"{start.FileName} {string.Join(' ', start.ArgumentList)} did not end within {timeout}:\n{output}");
        }
        process.WaitForExit();
        lock (output) return (process.ExitCode, output.ToString());
    }
}
