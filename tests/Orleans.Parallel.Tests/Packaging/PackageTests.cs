using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;
using Orleans.Parallel.Hosting;

namespace Orleans.Parallel.Tests.Packaging;

/// <summary>
/// The packages as a user meets them: packed into a local folder feed, restored from it alone by a
/// project outside the solution, by a file-based app, and installed as a .NET tool.
/// </summary>
[Collection(nameof(PackageTests))]
public sealed class PackageTests(PackageFeed feed) : IClassFixture<PackageFeed>
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(6);

    private static readonly string[] Ids =
        ["Orleans.Parallel.Values", "Orleans.Parallel.GrainInterfaces", "Orleans.Parallel.Client", "Orleans.Parallel.Grains", "Orleans.Parallel.EngineProcess", "Orleans.Parallel.Hosting", "Orleans.Parallel.Silo", "Orleans.Parallel.Cli"];

    /// <summary>The packages that are .NET tools, and their commands.</summary>
    private static readonly Dictionary<string, string> Tools = new() { ["Orleans.Parallel.Silo"] = "orleans-parallel-silo", ["Orleans.Parallel.Cli"] = "opx" };

    /// <summary>A user's program: work on an embedded LocalCluster, then on the silo whose connection file it is given.</summary>
    private const string ConsumerProgram = """
        using Orleans.Parallel;
        using Orleans.Parallel.Hosting;
        using Orleans.Parallel.Views;

        await using (var cluster = await LocalCluster.StartAsync(engines: 2))
        {
            var all = cluster.Client[..];
            await all.ScatterAsync("x", Enumerable.Range(0, 1000).ToArray());
            var sums = await all.ApplyAsync((int[] x) => x.Sum(), new Reference<int[]>("x"));
            var squares = await cluster.Client.LoadBalancedView().MapAsync((int n) => n * n, Enumerable.Range(0, 50));
            if (sums.Sum() != 499500 || !squares.SequenceEqual(Enumerable.Range(0, 50).Select(n => n * n))) return 1;
            Console.WriteLine($"local cluster OK {sums.Sum()}");
        }
        // Isolated engines: the engine process program came with the Hosting package, beside the program.
        await using (var isolated = await LocalCluster.StartAsync(new SiloSettings { Engines = 2, Isolation = EngineIsolation.Process }))
        {
            var pids = await isolated.Client[..].ApplyAsync(() => Environment.ProcessId);
            if (pids.Contains(Environment.ProcessId) || pids.Distinct().Count() != 2) return 3;
            Console.WriteLine("isolated engines OK");
        }
        if (args.Length > 0)
        {
            await using var rc = await ParallelClient.ConnectAsync(ParallelClientOptions.FromConnectionFile(args[0]));
            await rc.WaitForEnginesAsync(2, TimeSpan.FromSeconds(60));
            await rc[..].ExecuteAsync("var greeting = \"hello from \" + 40 + 2;");
            var pulled = await rc[..].PullAsync<string>("greeting");
            var cubes = await rc.LoadBalancedView().MapAsync((long n) => n * n * n, Enumerable.Range(0, 20).Select(i => (long)i));
            if (pulled.Any(p => p != "hello from 402") || cubes[^1] != 19L * 19 * 19) return 2;
            Console.WriteLine($"silo process OK {string.Join(",", rc.Ids)}");
        }
        return 0;
        """;

    [Fact]
    public void Packages_HoldTheirMetadata_OneVersion_Symbols_AndTheFileBasedAppFix()
    {
        foreach (var id in Ids)
        {
            var package = Path.Combine(feed.Feed, $"{id}.{feed.Version}.nupkg");
            Assert.True(File.Exists(package), $"{package} was not packed; the feed holds: {string.Join(", ", Directory.GetFiles(feed.Feed).Select(Path.GetFileName))}");
            Assert.True(File.Exists(Path.ChangeExtension(package, ".snupkg")), $"{id} has no symbols package");
            using var zip = ZipFile.OpenRead(package);
            var nuspec = XDocument.Load(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
            string Field(string name) => nuspec.Descendants().SingleOrDefault(e => e.Name.LocalName == name)?.Value ?? "";
            Assert.Equal(id, Field("id"));
            Assert.Equal(feed.Version, Field("version"));
            Assert.StartsWith(PackageFeed.VersionPrefix() + "-", Field("version"));
            Assert.Equal("MIT", Field("license"));
            Assert.Equal("README.md", Field("readme"));
            Assert.Contains(zip.Entries, e => e.FullName == "README.md");
            Assert.True(Field("description").Length > 40, $"{id}'s description is too thin to tell what it is");
            Assert.Contains("orleans", Field("tags"));
            // Every Orleans.Parallel dependency is of the same version: they are released together.
            foreach (var dependency in nuspec.Descendants().Where(e => e.Name.LocalName == "dependency" && ((string)e.Attribute("id")!).StartsWith("Orleans.Parallel.", StringComparison.Ordinal)))
                Assert.Equal(feed.Version, (string)dependency.Attribute("version")!);
            if (id == "Orleans.Parallel.Client")
                Assert.Contains(zip.Entries, e => e.FullName == "buildTransitive/Orleans.Parallel.Client.targets");
            if (Tools.TryGetValue(id, out var command))
            {
                var settings = XDocument.Load(zip.Entries.Single(e => e.FullName.EndsWith("DotnetToolSettings.xml", StringComparison.Ordinal)).Open());
                Assert.Equal(command, (string)settings.Descendants("Command").Single().Attribute("Name")!);
            }
            else Assert.Contains(zip.Entries, e => e.FullName == $"lib/net10.0/{(id == "Orleans.Parallel.Client" ? "Orleans.Parallel.Client" : id)}.dll");
        }
    }

    [Fact]
    public async Task ConsumerProject_RestoresFromTheFeedAlone_RunsALocalCluster_AndASiloInstalledAsATool()
    {
        var tools = Path.Combine(feed.Root, "tools");
        var (exit, output) = await PackageFeed.DotnetAsync(feed.Root,
            ["tool", "install", "Orleans.Parallel.Silo", "--version", feed.Version, "--tool-path", tools, "--configfile", feed.NuGetConfig], BuildTimeout);
        Assert.True(exit == 0, "dotnet tool install failed:\n" + output);

        var home = Path.Combine(feed.Root, "home");
        var clusterId = "packaged-" + Guid.NewGuid().ToString("N")[..8];
        await using var silo = await ToolSilo.StartAsync(Path.Combine(tools, "orleans-parallel-silo"), home, clusterId);

        var app = Path.Combine(feed.Root, "consumer");
        Directory.CreateDirectory(app);
        File.Copy(feed.NuGetConfig, Path.Combine(app, "nuget.config"));
        File.WriteAllText(Path.Combine(app, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Orleans.Parallel.Hosting" Version="{feed.Version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), ConsumerProgram);
        (exit, output) = await PackageFeed.DotnetAsync(app, ["run", "--", silo.ConnectionFile], BuildTimeout, new Dictionary<string, string> { ["OP_HOME"] = home });
        Assert.True(exit == 0, $"the consumer failed ({exit}):\n{output}\nsilo:\n{silo.Output}");
        Assert.Contains("local cluster OK 499500", output);
        Assert.Contains("isolated engines OK", output);
        Assert.Contains("silo process OK 0,1", output);
        Assert.Contains("engines isolated in processes", silo.Output); // the tool brought the engine process program
        // Restored from the feed: the packages came from it, not from the repository's projects.
        Assert.True(Directory.Exists(Path.Combine(feed.Root, "packages", "orleans.parallel.hosting", feed.Version)));
    }

    [Fact]
    public async Task OpxInstalledAsATool_StartsACluster_ThatAClientUses_AndStopsIt()
    {
        var tools = Path.Combine(feed.Root, "opx-tools");
        var (exit, output) = await PackageFeed.DotnetAsync(feed.Root,
            ["tool", "install", "Orleans.Parallel.Cli", "--version", feed.Version, "--tool-path", tools, "--configfile", feed.NuGetConfig], BuildTimeout);
        Assert.True(exit == 0, "dotnet tool install failed:\n" + output);
        var opx = Path.Combine(tools, OperatingSystem.IsWindows() ? "opx.exe" : "opx");
        var home = Path.Combine(feed.Root, "opx-home");
        var environment = new Dictionary<string, string> { ["OP_HOME"] = home };
        static Task<(int Exit, string Output)> RunToolAsync(string tool, IEnumerable<string> arguments, TimeSpan timeout, Dictionary<string, string> environment)
        {
            var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in arguments) start.ArgumentList.Add(argument);
            foreach (var (name, value) in environment) start.Environment[name] = value;
            return PackageFeed.RunAsync(start, timeout);
        }
        var clusterId = "opx-tool-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            (exit, output) = await RunToolAsync(opx,
                ["start", "--engines", "2", "--daemon", "--cluster-id", clusterId, "--parent-pid", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)], BuildTimeout, environment);
            Assert.True(exit == 0, $"opx start failed ({exit}):\n{output}");
            var connectionFile = Path.Combine(home, "clusters", clusterId, "connection.json");
            Assert.Contains($"Connection file: {connectionFile}", output);

            await using (var rc = await ParallelClient.ConnectAsync(ParallelClientOptions.FromConnectionFile(connectionFile)))
            {
                await rc.WaitForEnginesAsync(2, TimeSpan.FromSeconds(60));
                Assert.Equal([6, 6], await rc[..].ApplyAsync(() => 2 * 3));
            }

            (exit, output) = await RunToolAsync(opx, ["stop", "--cluster-id", clusterId], BuildTimeout, environment);
            Assert.True(exit == 0, $"opx stop failed ({exit}):\n{output}");
            Assert.Contains($"Cluster '{clusterId}' stopped.", output);
        }
        finally
        {
            await RunToolAsync(opx, ["stop", "--force", "--timeout", "10", "--cluster-id", clusterId], BuildTimeout, environment);
        }
    }

    [Fact]
    public async Task FileBasedApp_WithAPackageDirective_RunsWithoutTheUserTurningAotOff()
    {
        var app = Path.Combine(feed.Root, "filebased");
        Directory.CreateDirectory(app);
        File.Copy(feed.NuGetConfig, Path.Combine(app, "nuget.config"));
        File.WriteAllText(Path.Combine(app, "app.cs"), $"#:package Orleans.Parallel.Hosting@{feed.Version}\n" + ConsumerProgram);
        var (exit, output) = await PackageFeed.DotnetAsync(app, ["run", "app.cs"], BuildTimeout);
        Assert.True(exit == 0, $"the file-based app failed ({exit}):\n{output}");
        Assert.Contains("local cluster OK 499500", output);
        Assert.Contains("isolated engines OK", output);
    }

    [Fact]
    public async Task ProjectThatSetsPublishAot_IsWarnedAtBuild_AndToldTheFixWhenItRuns()
    {
        var app = Path.Combine(feed.Root, "aot");
        Directory.CreateDirectory(app);
        File.Copy(feed.NuGetConfig, Path.Combine(app, "nuget.config"));
        File.WriteAllText(Path.Combine(app, "Aot.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <PublishAot>true</PublishAot>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Orleans.Parallel.Client" Version="{feed.Version}" />
                <!-- What native AOT runs with: no code generated at run time. -->
                <RuntimeHostConfigurationOption Include="System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported" Value="false" Trim="true" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            try { await Orleans.Parallel.ParallelClient.ConnectAsync(new() { Insecure = true }); }
            catch (PlatformNotSupportedException e) { Console.WriteLine("refused: " + e.Message); return 0; }
            return 1;
            """);
        var (exit, output) = await PackageFeed.DotnetAsync(app, ["run"], BuildTimeout);
        Assert.True(exit == 0, $"the app did not get the clear refusal ({exit}):\n{output}");
        Assert.Contains("OPX001", output);
        Assert.Contains("#:property PublishAot=false", output);
    }

    /// <summary>The silo of the tool package, as a process, with its connection file in its own OP_HOME.</summary>
    private sealed class ToolSilo : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly List<string> _output = [];

        private ToolSilo(Process process, string connectionFile) => (_process, ConnectionFile) = (process, connectionFile);

        public string ConnectionFile { get; }

        public string Output { get { lock (_output) return string.Join("\n", _output); } }

        public static async Task<ToolSilo> StartAsync(string executable, string home, string clusterId)
        {
            var ports = LoopbackPorts.Reserve(2);
            var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { "--engines", "2", "--isolation", "process", "--silo-port", ports[0].ToString(), "--gateway-port", ports[1].ToString(), "--cluster-id", clusterId })
                start.ArgumentList.Add(argument);
            start.Environment["OP_HOME"] = home;
            var silo = new ToolSilo(Process.Start(start)!, Path.Combine(home, "clusters", clusterId, Security.ConnectionFile.FileName));
            var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            void Collect(string? line)
            {
                if (line is null) return;
                lock (silo._output) silo._output.Add(line);
                if (line.Contains("silo ready", StringComparison.Ordinal)) ready.TrySetResult();
            }
            silo._process.OutputDataReceived += (_, e) => Collect(e.Data);
            silo._process.ErrorDataReceived += (_, e) => Collect(e.Data);
            silo._process.BeginOutputReadLine();
            silo._process.BeginErrorReadLine();
            if (await Task.WhenAny(ready.Task, silo._process.WaitForExitAsync(), Task.Delay(TimeSpan.FromMinutes(2))) != ready.Task)
            {
                await silo.DisposeAsync();
                throw new TimeoutException("The tool's silo did not become ready:\n" + silo.Output);
            }
            return silo;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            _process.Dispose();
        }
    }
}
