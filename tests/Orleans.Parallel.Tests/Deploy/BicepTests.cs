using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Orleans.Parallel.Hosting;

namespace Orleans.Parallel.Tests.Deploy;

/// <summary>
/// deploy/azure, checked offline with the Bicep CLI from NuGet (no Azure subscription is reachable from
/// here): every file builds, lints and is formatted with no diagnostic at all, and the deployment it
/// describes, expanded by <c>bicep snapshot</c> into the resources Azure would be asked for, has what a
/// cluster needs: storage, a VNet-integrated environment, one single-replica app per silo whose exposed
/// ports are the ones the silo listens on and advertises, the credential as a secret, and settings the
/// silo knows. Bicep reports warnings with exit code 0, so the checks read its output.
/// </summary>
public sealed partial class BicepTests
{
    private static readonly string Folder = Path.Combine(Podman.RepositoryRoot, "deploy", "azure");
    private static readonly Lazy<string> Cli = new(FindCli);

    /// <summary>The parameters the example file reads from the environment, as a deployer sets them.</summary>
    private static readonly Dictionary<string, string> DeployerEnvironment = new()
    {
        ["OP_IMAGE"] = "example.azurecr.io/orleans-parallel-silo:1",
        ["OP_CREDENTIALPEM"] = "-----BEGIN CERTIFICATE-----\nnot a real one\n-----END CERTIFICATE-----",
    };

    public static TheoryData<string> BicepFiles() =>
        [.. Directory.GetFiles(Folder, "*.bicep", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(Folder, f)).Order()];

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public async Task BicepFile_BuildsLintsAndIsFormatted_WithNoDiagnostic(string file)
    {
        var path = Path.Combine(Folder, file);
        using var output = new TempFolder();
        await AssertCleanAsync("build", path, "--outdir", output.Path);
        Assert.True(File.Exists(Path.Combine(output.Path, Path.ChangeExtension(Path.GetFileName(file), ".json"))));
        await AssertCleanAsync("lint", path);
        var (exit, formatted) = await RunAsync("format", path, "--stdout");
        Assert.Equal(0, exit);
        Assert.Equal(File.ReadAllText(path).ReplaceLineEndings(), formatted.ReplaceLineEndings());
    }

    [Fact]
    public async Task ExampleParameters_BuildAndLint_WithNoDiagnostic()
    {
        var path = Path.Combine(Folder, "main.bicepparam");
        using var output = new TempFolder();
        await AssertCleanAsync("build-params", path, "--outfile", Path.Combine(output.Path, "main.parameters.json"));
        await AssertCleanAsync("lint", path);
        using var parameters = JsonDocument.Parse(File.ReadAllText(Path.Combine(output.Path, "main.parameters.json")));
        Assert.Equal(DeployerEnvironment["OP_CREDENTIALPEM"], parameters.RootElement.GetProperty("parameters").GetProperty("credentialPem").GetProperty("value").GetString());
    }

    /// <summary>The check can fail: an unused parameter is a warning that Bicep reports with exit code 0.</summary>
    [Fact]
    public async Task Lint_OfAnUnusedParameter_IsReported()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "unused.bicep");
        File.WriteAllText(path, "param forgotten string\n\noutput answer int = 42\n");
        var (exit, output) = await RunAsync("lint", path);
        Assert.Equal(0, exit);
        var warning = Assert.Single(Diagnostics(output));
        Assert.Contains("Warning no-unused-params", warning);
        Assert.Contains("forgotten", warning);
    }

    [Fact]
    public async Task Template_KeepsSecretsSecure_AndOutputsWhatAClientNeeds()
    {
        using var output = new TempFolder();
        await AssertCleanAsync("build", Path.Combine(Folder, "main.bicep"), "--outdir", output.Path);
        using var template = JsonDocument.Parse(File.ReadAllText(Path.Combine(output.Path, "main.json")));
        var parameters = template.RootElement.GetProperty("parameters");
        foreach (var secret in new[] { "credentialPem", "postgresPassword" })
            Assert.Equal("securestring", parameters.GetProperty(secret).GetProperty("type").GetString());
        var outputs = template.RootElement.GetProperty("outputs");
        foreach (var name in new[] { "address", "gateway", "gateways", "bulkEndpoints", "clusterId", "serviceId", "storageAccountName", "siloApps", "postgresHost" })
            Assert.True(outputs.TryGetProperty(name, out _), $"main.bicep has no output '{name}'.");
        Assert.DoesNotContain("listKeys", outputs.GetRawText()); // no key leaves through the deployment's outputs
    }

    [Fact]
    public async Task ExampleDeployment_IsTwoSilos_OnAnInternalVnetEnvironment_WithTheTaskStoreInMemory()
    {
        var example = File.ReadAllText(Path.Combine(Folder, "main.bicepparam"));
        var resources = await SnapshotAsync(example, replaceUsing: true);

        var environment = Assert.Single(resources, r => Type(r) == "Microsoft.App/managedEnvironments").GetProperty("properties");
        Assert.True(environment.GetProperty("vnetConfiguration").GetProperty("internal").GetBoolean());
        AssertSilos(resources, 2, taskStore: "memory");
        Assert.DoesNotContain(resources, r => Type(r).StartsWith("Microsoft.DBforPostgreSQL/", StringComparison.Ordinal));
        Assert.DoesNotContain(resources, r => Type(r) == "Microsoft.Authorization/roleAssignments");
    }

    [Fact]
    public async Task Deployment_OfThreeSilosWithPostgresAndARegistry_HasEveryPiece()
    {
        var resources = await SnapshotAsync("""
            param image = 'example.azurecr.io/orleans-parallel-silo:1'
            param credentialPem = 'PEM'
            param silos = 3
            param publicEndpoints = true
            param taskStore = 'postgres'
            param postgresPassword = 'not-a-real-password'
            param acrName = 'example'
            """);

        var storage = Assert.Single(resources, r => Type(r) == "Microsoft.Storage/storageAccounts");
        Assert.Equal("TLS1_2", storage.GetProperty("properties").GetProperty("minimumTlsVersion").GetString());
        var environment = Assert.Single(resources, r => Type(r) == "Microsoft.App/managedEnvironments").GetProperty("properties");
        Assert.False(environment.GetProperty("vnetConfiguration").GetProperty("internal").GetBoolean());
        Assert.Contains("/subnets/apps", environment.GetProperty("vnetConfiguration").GetProperty("infrastructureSubnetId").GetString());
        Assert.Contains(environment.GetProperty("workloadProfiles").EnumerateArray(), p => p.GetProperty("workloadProfileType").GetString() == "Consumption");

        var postgres = Assert.Single(resources, r => Type(r) == "Microsoft.DBforPostgreSQL/flexibleServers").GetProperty("properties").GetProperty("network");
        Assert.Equal("Disabled", postgres.GetProperty("publicNetworkAccess").GetString());
        Assert.Contains("/subnets/postgres", postgres.GetProperty("delegatedSubnetResourceId").GetString());
        Assert.Single(resources, r => Type(r) == "Microsoft.DBforPostgreSQL/flexibleServers/databases");

        var pull = Assert.Single(resources, r => Type(r) == "Microsoft.Authorization/roleAssignments");
        Assert.EndsWith("7f951dda-4ed3-4680-a7ca-43fe172d538d", pull.GetProperty("properties").GetProperty("roleDefinitionId").GetString()); // AcrPull
        foreach (var app in AssertSilos(resources, 3, taskStore: "postgres"))
            Assert.Equal("UserAssigned", app.GetProperty("identity").GetProperty("type").GetString());
    }

    /// <summary>
    /// Silo i is app i with one replica; its ports are 11111+i, 30000+i and 30100+i, each exposed as
    /// itself, unique in the environment; its settings are OP_* variables the silo reads, credentials
    /// only by secret reference.
    /// </summary>
    private static List<JsonElement> AssertSilos(List<JsonElement> resources, int count, string taskStore)
    {
        var apps = resources.Where(r => Type(r) == "Microsoft.App/containerApps").OrderBy(r => r.GetProperty("name").GetString(), StringComparer.Ordinal).ToList();
        Assert.Equal(count, apps.Count);
        var settingNames = typeof(SiloSettings).GetProperties().Select(p => "OP_" + p.Name.ToUpperInvariant()).ToHashSet();
        var exposed = new List<int>();
        for (var i = 0; i < count; i++)
        {
            var properties = apps[i].GetProperty("properties");
            var scale = properties.GetProperty("template").GetProperty("scale");
            Assert.Equal((1, 1), (scale.GetProperty("minReplicas").GetInt32(), scale.GetProperty("maxReplicas").GetInt32()));

            var container = Assert.Single(properties.GetProperty("template").GetProperty("containers").EnumerateArray());
            Assert.Contains("--listen-any", container.GetProperty("args").EnumerateArray().Select(a => a.GetString()));
            var env = container.GetProperty("env").EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!);
            Assert.All(env.Keys, name => Assert.Contains(name, settingNames));
            string Value(string name) => env[name].GetProperty("value").GetString()!;
            Assert.Equal("azure", Value("OP_CLUSTERING"));
            Assert.Contains("staticIp", Value("OP_ADDRESS")); // the environment's IP, known once it exists
            Assert.Equal(taskStore, Value("OP_TASKSTORE"));
            Assert.Equal(taskStore == "postgres", env.ContainsKey("OP_TASKSTORECONNECTION"));

            var secrets = properties.GetProperty("configuration").GetProperty("secrets").EnumerateArray().Select(s => s.GetProperty("name").GetString()).ToHashSet();
            foreach (var name in new[] { "OP_CREDENTIALPEM", "OP_CLUSTERINGCONNECTION", "OP_TASKSTORECONNECTION" }.Where(env.ContainsKey))
            {
                Assert.False(env[name].TryGetProperty("value", out _), $"{name} is set in plain text.");
                Assert.Contains(env[name].GetProperty("secretRef").GetString(), secrets);
            }

            var ports = (Silo: int.Parse(Value("OP_SILOPORT")), Gateway: int.Parse(Value("OP_GATEWAYPORT")), Bulk: int.Parse(Value("OP_BULKPORT")));
            Assert.Equal((11111 + i, 30000 + i, 30100 + i), ports);
            var ingress = properties.GetProperty("configuration").GetProperty("ingress");
            Assert.Equal("tcp", ingress.GetProperty("transport").GetString());
            var mappings = new[] { ingress }.Concat(ingress.GetProperty("additionalPortMappings").EnumerateArray()).ToList();
            Assert.All(mappings, m => Assert.True(m.GetProperty("external").GetBoolean()));
            Assert.All(mappings, m => Assert.Equal(m.GetProperty("targetPort").GetInt32(), m.GetProperty("exposedPort").GetInt32()));
            Assert.Equal(ports.Gateway, ingress.GetProperty("targetPort").GetInt32());
            Assert.Equal(new[] { ports.Gateway, ports.Silo, ports.Bulk }.Order(), mappings.Select(m => m.GetProperty("exposedPort").GetInt32()).Order());
            exposed.AddRange(mappings.Select(m => m.GetProperty("exposedPort").GetInt32()));

            var health = int.Parse(Value("OP_HEALTHPORT"));
            var probes = container.GetProperty("probes").EnumerateArray().ToList();
            Assert.Equal(new[] { "Liveness", "Readiness", "Startup" }, probes.Select(p => p.GetProperty("type").GetString()).Order());
            Assert.All(probes, p => Assert.Equal(health, p.GetProperty("httpGet").GetProperty("port").GetInt32()));
            Assert.All(probes, p => Assert.Equal("/healthz", p.GetProperty("httpGet").GetProperty("path").GetString()));
        }
        Assert.Equal(exposed.Count, exposed.Distinct().Count()); // external TCP ports are unique in an environment
        return apps;
    }

    /// <summary>
    /// The resources a deployment of main.bicep with these parameters asks for, module loops expanded
    /// (what <c>bicep snapshot</c> predicts, for a made-up subscription and resource group).
    /// </summary>
    private static async Task<List<JsonElement>> SnapshotAsync(string parameters, bool replaceUsing = false)
    {
        using var folder = new TempFolder();
        var main = Path.GetRelativePath(folder.Path, Path.Combine(Folder, "main.bicep")).Replace('\\', '/');
        var text = replaceUsing ? parameters.Replace("using 'main.bicep'", $"using '{main}'") : $"using '{main}'\n\n{parameters}\n";
        Assert.Contains($"using '{main}'", text);
        var file = Path.Combine(folder.Path, "test.bicepparam");
        File.WriteAllText(file, text);
        await AssertCleanAsync("snapshot", file, "--subscription-id", "00000000-0000-0000-0000-000000000001", "--resource-group", "op", "--location", "westeurope");
        using var snapshot = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder.Path, "test.snapshot.json")));
        Assert.Empty(snapshot.RootElement.GetProperty("diagnostics").EnumerateArray());
        return [.. snapshot.RootElement.GetProperty("predictedResources").EnumerateArray().Select(r => r.Clone())];
    }

    private static string Type(JsonElement resource) => resource.GetProperty("type").GetString()!;

    private static async Task AssertCleanAsync(params string[] arguments)
    {
        var (exit, output) = await RunAsync(arguments);
        Assert.True(exit == 0, $"bicep {string.Join(' ', arguments)} exited with {exit}:\n{output}");
        Assert.True(Diagnostics(output).Length == 0, $"bicep {string.Join(' ', arguments)} reported:\n{output}");
    }

    private static Task<(int Exit, string Output)> RunAsync(params string[] arguments) =>
        ProgramRun.RunAsync(Cli.Value, arguments, DeployerEnvironment, TimeSpan.FromMinutes(3));

    /// <summary>Bicep's diagnostic lines: "file(line,column) : Error|Warning|Info code: message".</summary>
    private static string[] Diagnostics(string output) => [.. output.Split('\n').Where(l => DiagnosticLine().IsMatch(l))];

    [GeneratedRegex(@"\(\d+,\d+\) : (Error|Warning|Info) ")]
    private static partial Regex DiagnosticLine();

    /// <summary>The CLI that restore downloaded (PackageDownload in the test project), executable.</summary>
    private static string FindCli()
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("The Bicep CLI the test project downloads is the linux-x64 one.");
        var path = typeof(BicepTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepPath").Value!;
        if (!File.Exists(path))
            throw new InvalidOperationException($"No Bicep CLI at {path}: restoring the test project downloads it (Azure.Bicep.CommandLine.linux-x64).");
        // NuGet does not keep file modes everywhere; the binary needs its execute bit.
        var mode = File.GetUnixFileMode(path);
        if (!mode.HasFlag(UnixFileMode.UserExecute)) File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute);
        return path;
    }

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("op-bicep-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
