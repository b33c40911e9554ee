using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Orleans.Parallel.Hosting;
using Orleans.Parallel.Security;
using Xunit.Abstractions;

namespace Orleans.Parallel.Tests.Deploy;

/// <summary>
/// deploy/kubernetes, checked offline: each kustomization (the default with its Redis, base/ alone,
/// azure/) renders with kubectl kustomize (or, on a machine without kubectl, with render.mjs, which gives
/// the same objects wherever both run, and refuses what it does not implement); every rendered object
/// holds to the Kubernetes API's schema with no unknown field (<see cref="KubernetesValidator"/>); and
/// the parts fit together: the Service selects the silo pods, the probes and ports are the silo's own
/// settings, the credential's Secret is one the README creates, and every OP_* variable is a silo
/// setting that the silo accepts.
/// </summary>
public sealed partial class KubernetesManifestTests(KubernetesManifestTests.Rendered rendered, ITestOutputHelper output) : IClassFixture<KubernetesManifestTests.Rendered>
{
    private const string SiloDeployment = "orleans-parallel-silo";
    private const string PodIp = "10.244.1.7"; // what the downward API's status.podIP gives, in these checks

    /// <summary>The kustomizations, as folders under deploy/kubernetes.</summary>
    private static readonly string[] Folders = [".", "base", "azure"];

    public static TheoryData<string> Kustomizations => new(Folders);

    /// <summary>Each kustomization rendered and validated once for the whole class (validate.mjs takes a few seconds).</summary>
    public sealed class Rendered : IAsyncLifetime
    {
        private readonly Dictionary<string, KubernetesValidator.Result> _results = [];

        internal KubernetesValidator.Result this[string folder] => _results[folder];

        public async Task InitializeAsync()
        {
            foreach (var folder in Folders)
            {
                var output = await KubernetesValidator.RenderAsync(Path.Combine(KubernetesValidator.ManifestRoot, folder));
                try
                {
                    var result = await KubernetesValidator.ValidateAsync(output);
                    var renderer = KubernetesValidator.KubectlPath is null ? "render.mjs" : "kubectl kustomize";
                    _results[folder] = result with { Errors = [.. result.Errors.Select(e => e.Replace(output, $"{renderer} {folder}"))] };
                }
                finally
                {
                    File.Delete(output);
                }
            }
        }

        public Task DisposeAsync() => Task.CompletedTask;
    }

    [Theory, MemberData(nameof(Kustomizations))]
    public void EveryObject_HoldsToTheKubernetesApi_WithNoUnknownField(string folder)
    {
        output.WriteLine($"{folder} rendered by {KubernetesValidator.Renderer}");
        var result = rendered[folder];
        Assert.True(result.Errors.Count == 0, string.Join("\n", result.Errors));
        var kinds = result.Documents.Select(d => $"{d.GetProperty("kind").GetString()} {Name(d)}").Order().ToList();
        List<string> expected = ["Deployment orleans-parallel-silo", "Service orleans-parallel-gateway"];
        if (folder == ".") expected.AddRange(["Deployment orleans-parallel-redis", "Service orleans-parallel-redis"]);
        Assert.Equal(expected.Order(), kinds);
    }

    [Fact]
    public async Task Validator_FailsAMisspelledField_AMissingRequiredOne_AndAnUnknownKind()
    {
        var source = Path.Combine(KubernetesValidator.ManifestRoot, "base", "silo.yaml");
        var text = await File.ReadAllTextAsync(source);
        Assert.Empty((await KubernetesValidator.ValidateAsync(source)).Errors); // the source as it is, read as kubectl reads YAML

        var broken = Path.Combine(Path.GetTempPath(), $"op-broken-{Guid.NewGuid():N}.yaml");
        try
        {
            await File.WriteAllTextAsync(broken,
                Replace(Replace(Replace(text, "imagePullPolicy:", "imagePullPolicyy:"), "- name: silo\n          image:", "- image:"), "  selector:\n", "  selectr:\n")
                + "---\napiVersion: v1\nkind: Servce\nmetadata:\n  name: typo\n");
            var errors = (await KubernetesValidator.ValidateAsync(broken)).Errors;
            Assert.Contains(errors, e => e.Contains("spec.template.spec.containers[0].imagePullPolicyy: unknown field"));
            Assert.Contains(errors, e => e.Contains("spec.selectr: unknown field"));
            Assert.Contains(errors, e => e.Contains("data/spec/template/spec/containers/0 must have required property name"));
            Assert.Contains(errors, e => e.Contains("data/spec must have required property selector"));
            Assert.Contains(errors, e => e.Contains("v1 Servce is not a kind of the Kubernetes API"));
        }
        finally
        {
            File.Delete(broken);
        }

        static string Replace(string text, string old, string replacement)
        {
            Assert.Contains(old, text); // the manifest changed: this test must change with it
            return text.Replace(old, replacement);
        }
    }

    /// <summary>
    /// Where there is a kubectl, render.mjs (what renders where there is none) gives the objects kubectl
    /// kustomize gives, for each kustomization and for merge-cases/, which exercises the strategic merge
    /// beyond what deploy/kubernetes needs (null, new entries, each merge key, lists replaced). Objects are
    /// compared as parsed, in any order; the lists in them in their order.
    /// </summary>
    [KubectlFact]
    public async Task RenderMjs_GivesTheObjectsKubectlKustomizeGives()
    {
        output.WriteLine($"kubectl: {KubernetesValidator.Renderer}");
        var folders = Folders.Select(f => Path.Combine(KubernetesValidator.ManifestRoot, f)).Append(MergeCases).ToList();
        var files = new List<(string Folder, string Kubectl, string Node)>();
        var temporary = new List<string>();
        try
        {
            foreach (var folder in folders)
            {
                temporary.Add(await KubernetesValidator.RenderWithKubectlAsync(folder));
                temporary.Add(await KubernetesValidator.RenderWithNodeAsync(folder));
                files.Add((folder, temporary[^2], temporary[^1]));
            }
            var parsed = await KubernetesValidator.ValidateAsync([.. files.SelectMany(f => new[] { f.Kubectl, f.Node })]);
            foreach (var (folder, kubectl, node) in files)
            {
                var expected = Objects(parsed, kubectl);
                var actual = Objects(parsed, node);
                Assert.NotEmpty(expected);
                Assert.True(expected.Keys.Order().SequenceEqual(actual.Keys.Order()),
                    $"{folder}: kubectl kustomize gives {string.Join(", ", expected.Keys.Order())}; render.mjs {string.Join(", ", actual.Keys.Order())}");
                foreach (var (id, json) in expected)
                    Assert.True(json == actual[id], $"{folder}: {id} differs.\nkubectl kustomize:\n{json}\nrender.mjs:\n{actual[id]}");
                output.WriteLine($"{Path.GetRelativePath(Podman.RepositoryRoot, folder)}: the same {expected.Count} objects");
            }
        }
        finally
        {
            foreach (var file in temporary) File.Delete(file);
        }

        // Each object of one rendering, by its id, as indented JSON with its maps' keys sorted.
        static Dictionary<string, string> Objects(KubernetesValidator.Result parsed, string file) =>
            parsed.Documents.Where((_, i) => parsed.Files[i] == file).ToDictionary(
                d => $"{d.GetProperty("apiVersion").GetString()} {d.GetProperty("kind").GetString()} {Name(d)}",
                d => JsonSerializer.Serialize(Sorted(d), new JsonSerializerOptions { WriteIndented = true }));

        static object? Sorted(JsonElement element) => element.ValueKind switch
        {
            JsonValueKind.Object => new SortedDictionary<string, object?>(element.EnumerateObject().ToDictionary(p => p.Name, p => Sorted(p.Value)), StringComparer.Ordinal),
            JsonValueKind.Array => element.EnumerateArray().Select(Sorted).ToList(),
            _ => element,
        };
    }

    /// <summary>render.mjs refuses, by name, what it does not implement, rather than render otherwise than kubectl would.</summary>
    [Theory]
    [InlineData("namePrefix: test-\n", null, "does not support the kustomization field 'namePrefix'")]
    [InlineData("images:\n  - { name: busybox, newTag: \"1.37\" }\n", null, "does not support the kustomization field 'images'")]
    [InlineData("patches:\n  - path: patch.yaml\n    target: { kind: ConfigMap }\n", "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings }\ndata: { b: \"2\" }\n", "does not support 'target' in patches")]
    [InlineData("patches:\n  - path: patch.yaml\n", "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings }\n$patch: delete\n", "does not support the patch directive '$patch'")]
    [InlineData("patches:\n  - path: patch.yaml\n", "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: other }\ndata: { b: \"2\" }\n", "patches v1 ConfigMap other, which is not among the resources")]
    [InlineData("patches:\n  - path: patch.yaml\n", "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings }\ndata: { b: yes }\n", "\"yes\" reads as true in YAML 1.1")]
    public async Task RenderMjs_RefusesWhatItDoesNotImplement_NamingIt(string kustomization, string? patch, string refusal)
    {
        var folder = Directory.CreateTempSubdirectory("op-kustomize-refused-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "settings.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: \"1\"\n");
            await File.WriteAllTextAsync(Path.Combine(folder, "kustomization.yaml"), "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - settings.yaml\n" + kustomization);
            if (patch is not null) await File.WriteAllTextAsync(Path.Combine(folder, "patch.yaml"), patch);
            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => KubernetesValidator.RenderWithNodeAsync(folder));
            output.WriteLine(refused.Message);
            Assert.Contains(refusal, refused.Message);

            // The same folder without the refused part renders.
            await File.WriteAllTextAsync(Path.Combine(folder, "kustomization.yaml"), "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - settings.yaml\n");
            var rendered = await KubernetesValidator.RenderWithNodeAsync(folder);
            try
            {
                Assert.Equal("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: \"1\"\n", await File.ReadAllTextAsync(rendered));
            }
            finally
            {
                File.Delete(rendered);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>A fact that runs where there is a kubectl for <see cref="KubernetesValidator"/> to use, and is skipped, saying why, elsewhere.</summary>
    private sealed class KubectlFactAttribute : FactAttribute
    {
        public KubectlFactAttribute()
        {
            if (KubernetesValidator.KubectlPath is null) Skip = $"needs kubectl; this machine renders with {KubernetesValidator.Renderer}";
        }
    }

    /// <summary>tests/Orleans.Parallel.Tests/Deploy/kubernetes-validate/merge-cases: a kustomization whose patches go beyond deploy/kubernetes's.</summary>
    private static string MergeCases => Path.Combine(Podman.RepositoryRoot, "tests", "Orleans.Parallel.Tests", "Deploy", "kubernetes-validate", "merge-cases");

    [Theory, MemberData(nameof(Kustomizations))]
    public void TheServices_SelectTheirPods_AndTheProbesAndPorts_AreTheSilosOwn(string folder)
    {
        var documents = rendered[folder].Documents;
        var deployments = documents.Where(d => d.GetProperty("kind").GetString() == "Deployment").ToList();
        foreach (var deployment in deployments)
            Assert.True(Contains(Labels(deployment, "spec", "template", "metadata", "labels"), Labels(deployment, "spec", "selector", "matchLabels")), $"{Name(deployment)}'s selector does not match its own pods");
        foreach (var service in documents.Where(d => d.GetProperty("kind").GetString() == "Service"))
        {
            var selector = Labels(service, "spec", "selector");
            var selected = deployments.Where(d => Contains(Labels(d, "spec", "template", "metadata", "labels"), selector)).ToList();
            Assert.True(selected.Count == 1, $"Service {Name(service)} selects the pods of {selected.Count} Deployments, not one");
            foreach (var port in Get(service, "spec", "ports").EnumerateArray())
                Assert.NotNull(ContainerPort(Container(selected[0]), port.GetProperty("targetPort")));
            if (Name(service) == "orleans-parallel-gateway") Assert.Equal(SiloDeployment, Name(selected[0]));
        }

        var silo = Container(Silo(documents));
        var env = Variables(silo);
        foreach (var (variable, port) in new[] { ("OP_SILOPORT", "silo"), ("OP_GATEWAYPORT", "gateway"), ("OP_BULKPORT", "bulk"), ("OP_HEALTHPORT", "health") })
            Assert.Equal(int.Parse(env[variable].GetProperty("value").GetString()!), ContainerPort(silo, JsonSerializer.SerializeToElement(port)));
        var health = int.Parse(env["OP_HEALTHPORT"].GetProperty("value").GetString()!);
        foreach (var (probe, path) in new[] { ("startupProbe", "/healthz"), ("livenessProbe", "/healthz"), ("readinessProbe", "/readyz") })
        {
            var get = Get(silo, probe, "httpGet");
            Assert.Equal(path, get.GetProperty("path").GetString());
            Assert.Equal(health, ContainerPort(silo, get.GetProperty("port")));
        }

        // Redis clustering names a Service: where the kustomization has it, it is Redis's own port.
        if (env["OP_CLUSTERING"].GetProperty("value").GetString() == "redis"
            && env["OP_CLUSTERINGCONNECTION"].GetProperty("value").GetString()!.Split(':') is [var host, var redisPort])
        {
            var redis = documents.SingleOrDefault(d => d.GetProperty("kind").GetString() == "Service" && Name(d) == host);
            if (folder == ".") Assert.NotEqual(JsonValueKind.Undefined, redis.ValueKind);
            if (redis.ValueKind != JsonValueKind.Undefined)
                Assert.Contains(Get(redis, "spec", "ports").EnumerateArray(), p => p.GetProperty("port").GetInt32() == int.Parse(redisPort));
        }
    }

    [Theory, MemberData(nameof(Kustomizations))]
    public void ThePodsIdentity_ComesFromTheDownwardApi_AsOrleansKubernetesHostingExpects(string folder)
    {
        var deployment = Silo(rendered[folder].Documents);
        var labels = Labels(deployment, "spec", "template", "metadata", "labels");
        Assert.True(labels.ContainsKey("orleans/serviceId") && labels.ContainsKey("orleans/clusterId"), "the pods lack Orleans' labels");
        var env = Variables(Container(deployment));
        foreach (var (variable, field) in new[]
        {
            ("POD_NAME", "metadata.name"), ("POD_NAMESPACE", "metadata.namespace"), ("POD_IP", "status.podIP"), ("OP_ADDRESS", "status.podIP"),
            ("ORLEANS_SERVICE_ID", "metadata.labels['orleans/serviceId']"), ("ORLEANS_CLUSTER_ID", "metadata.labels['orleans/clusterId']"),
            ("OP_SERVICEID", "metadata.labels['orleans/serviceId']"), ("OP_CLUSTERID", "metadata.labels['orleans/clusterId']"),
        })
            Assert.Equal(field, Get(env[variable], "valueFrom", "fieldRef", "fieldPath").GetString());
    }

    [Theory, MemberData(nameof(Kustomizations))]
    public async Task TheCredential_IsADocumentedSecret_ReadByTheUnprivilegedSiloAlone(string folder)
    {
        var deployment = Silo(rendered[folder].Documents);
        var pod = Get(deployment, "spec", "template", "spec");
        var silo = Container(deployment);
        var env = Variables(silo);

        var volume = Assert.Single(Get(pod, "volumes").EnumerateArray(), v => v.TryGetProperty("secret", out _));
        var secret = volume.GetProperty("secret");
        Assert.Equal(256, secret.GetProperty("defaultMode").GetInt32()); // 0400
        var item = Assert.Single(secret.GetProperty("items").EnumerateArray());
        var mount = Assert.Single(silo.GetProperty("volumeMounts").EnumerateArray(), m => m.GetProperty("name").GetString() == volume.GetProperty("name").GetString());
        Assert.True(mount.GetProperty("readOnly").GetBoolean());
        Assert.Equal($"{mount.GetProperty("mountPath").GetString()}/{item.GetProperty("path").GetString()}", env["OP_CREDENTIAL"].GetProperty("value").GetString());

        // The Secrets are made by hand (they hold keys): each name and key the pods use is one a
        // documented 'kubectl create secret' makes.
        var documented = await DocumentedSecretsAsync();
        Assert.Contains((secret.GetProperty("secretName").GetString()!, item.GetProperty("key").GetString()!), documented);
        foreach (var reference in env.Values.Where(v => v.TryGetProperty("valueFrom", out var from) && from.TryGetProperty("secretKeyRef", out _)))
        {
            var key = Get(reference, "valueFrom", "secretKeyRef");
            Assert.Contains((key.GetProperty("name").GetString()!, key.GetProperty("key").GetString()!), documented);
        }

        // The image's user (uid 1654) reads the 0400 file as its group owner (fsGroup); nothing else runs as root.
        var security = pod.GetProperty("securityContext");
        Assert.True(security.GetProperty("runAsNonRoot").GetBoolean());
        Assert.Equal(1654, security.GetProperty("runAsUser").GetInt32());
        Assert.Equal(1654, security.GetProperty("fsGroup").GetInt32());
        Assert.False(pod.GetProperty("automountServiceAccountToken").GetBoolean());
        Assert.Equal(30, pod.GetProperty("terminationGracePeriodSeconds").GetInt32());

        // A read-only root: the silo's connection file (OP_HOME) goes to an emptyDir.
        Assert.True(Get(silo, "securityContext", "readOnlyRootFilesystem").GetBoolean());
        Assert.False(Get(silo, "securityContext", "allowPrivilegeEscalation").GetBoolean());
        var home = env[ConnectionFile.HomeVariable].GetProperty("value").GetString()!;
        var scratch = silo.GetProperty("volumeMounts").EnumerateArray().Where(m => home.StartsWith(m.GetProperty("mountPath").GetString()! + "/", StringComparison.Ordinal));
        Assert.Contains(scratch, m => Get(pod, "volumes").EnumerateArray().Any(v => v.GetProperty("name").GetString() == m.GetProperty("name").GetString() && v.TryGetProperty("emptyDir", out _)));
    }

    [Theory, MemberData(nameof(Kustomizations))]
    public void EveryOpVariable_IsASiloSetting_AndTogetherTheyAreValid(string folder)
    {
        var deployment = Silo(rendered[folder].Documents);
        var labels = Labels(deployment, "spec", "template", "metadata", "labels");
        var settings = typeof(SiloSettings).GetProperties().Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var configuration = new Dictionary<string, string?>();
        foreach (var (name, variable) in Variables(Container(deployment)))
        {
            if (!name.StartsWith("OP_", StringComparison.Ordinal) || name == ConnectionFile.HomeVariable) continue;
            var setting = name["OP_".Length..];
            Assert.True(settings.Contains(setting), $"{name} is not a silo setting (SiloSettings has no {setting})");
            configuration[setting] = Value(variable, labels);
        }

        // As SiloSettings.FromConfiguration reads the environment (OP_ taken off), then the silo's own checks.
        var read = SiloSettings.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(configuration).Build());
        read.Validate();
        Assert.Equal(PodIp, read.Address);
        Assert.True(read.ListenAny);
        Assert.Equal(labels["orleans/clusterId"], read.ClusterId);
        Assert.Equal(labels["orleans/serviceId"], read.ServiceId);
        Assert.Equal(folder == "azure" ? "azure" : "redis", read.Clustering);
        Assert.Equal(8080, read.HealthPort);
        Assert.False(read.Insecure);
        Assert.NotNull(read.Credential);
    }

    [Fact]
    public async Task ListenAny_FromTheEnvironment_ReachesTheSilo()
    {
        // The manifest relies on OP_LISTENANY (kubectl port-forward connects to the pod's loopback).
        // With localhost clustering the silo refuses it, naming it: proof that it was read.
        var (exit, output) = await ProgramRun.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "Orleans.Parallel.Silo.dll"), "--engines", "1"],
            new Dictionary<string, string> { ["OP_LISTENANY"] = "true" });
        Assert.Equal(2, exit);
        Assert.Contains("--listen-any would be ignored", output);
    }

    [Fact]
    public async Task EveryManifestFile_IsPartOfAKustomization()
    {
        var kustomizations = Directory.GetFiles(KubernetesValidator.ManifestRoot, "kustomization.yaml", SearchOption.AllDirectories);
        var parsed = await KubernetesValidator.ValidateAsync(kustomizations);
        Assert.Empty(parsed.Errors);
        var used = new HashSet<string>();
        foreach (var (file, kustomization) in kustomizations.Zip(parsed.Documents))
        {
            var folder = Path.GetDirectoryName(file)!;
            var paths = kustomization.GetProperty("resources").EnumerateArray().Select(r => r.GetString()!)
                .Concat(kustomization.TryGetProperty("patches", out var patches) ? patches.EnumerateArray().Select(p => p.GetProperty("path").GetString()!) : []);
            foreach (var path in paths) used.Add(Path.GetFullPath(Path.Combine(folder, path)));
        }
        var manifests = Directory.GetFiles(KubernetesValidator.ManifestRoot, "*.y*ml", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != "kustomization.yaml");
        Assert.All(manifests, m => Assert.Contains(Path.GetFullPath(m), used));
    }

    /// <summary>A variable's value as the pod would have it: literal, or what the downward API or a Secret gives.</summary>
    private static string Value(JsonElement variable, IReadOnlyDictionary<string, string> labels)
    {
        if (variable.TryGetProperty("value", out var value)) return value.GetString()!;
        var from = variable.GetProperty("valueFrom");
        if (from.TryGetProperty("secretKeyRef", out _)) // the only secret variable: Azure's connection string
            return $"DefaultEndpointsProtocol=https;AccountName=example;AccountKey={Convert.ToBase64String(new byte[64])};EndpointSuffix=core.windows.net";
        var field = Get(from, "fieldRef", "fieldPath").GetString()!;
        return field == "status.podIP" ? PodIp : LabelPath().Match(field) is { Success: true } label ? labels[label.Groups[1].Value] : throw new InvalidOperationException($"No sample for {field}.");
    }

    /// <summary>(name, key) of every Secret a 'kubectl create secret generic' in the README or deploy/kubernetes makes.</summary>
    private static async Task<HashSet<(string, string)>> DocumentedSecretsAsync()
    {
        var texts = new List<string> { await File.ReadAllTextAsync(Path.Combine(Podman.RepositoryRoot, "README.md")) };
        foreach (var file in Directory.GetFiles(KubernetesValidator.ManifestRoot, "*.yaml", SearchOption.AllDirectories))
            texts.Add(await File.ReadAllTextAsync(file));
        var secrets = new HashSet<(string, string)>();
        foreach (Match command in texts.SelectMany(t => CreateSecret().Matches(t)))
            foreach (Capture source in command.Groups["source"].Captures)
                secrets.Add((command.Groups["name"].Value, Path.GetFileName(source.Value.Split('=')[0])));
        return secrets;
    }

    [GeneratedRegex(@"kubectl create secret generic (?<name>[a-z0-9-]+)(?:\s+(?:#\s*)?--from-(?:file|literal)=(?<source>[^\s=]+(?:=\S*)?))+")]
    private static partial Regex CreateSecret();

    [GeneratedRegex(@"^metadata\.labels\['([^']+)'\]$")]
    private static partial Regex LabelPath();

    private static JsonElement Silo(IEnumerable<JsonElement> documents) =>
        Assert.Single(documents, d => d.GetProperty("kind").GetString() == "Deployment" && Name(d) == SiloDeployment);

    private static JsonElement Container(JsonElement deployment) => Get(deployment, "spec", "template", "spec", "containers")[0];

    private static Dictionary<string, JsonElement> Variables(JsonElement container) =>
        container.GetProperty("env").EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!);

    /// <summary>The container port a Service's targetPort or a probe's port names (by number or by name), or null.</summary>
    private static int? ContainerPort(JsonElement container, JsonElement reference) =>
        container.GetProperty("ports").EnumerateArray()
            .Where(p => reference.ValueKind == JsonValueKind.Number
                ? p.GetProperty("containerPort").GetInt32() == reference.GetInt32()
                : p.TryGetProperty("name", out var name) && name.GetString() == reference.GetString())
            .Select(p => (int?)p.GetProperty("containerPort").GetInt32()).SingleOrDefault();

    private static Dictionary<string, string> Labels(JsonElement element, params string[] path) =>
        Get(element, path).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);

    private static bool Contains(Dictionary<string, string> labels, Dictionary<string, string> selector) =>
        selector.Count > 0 && selector.All(s => labels.TryGetValue(s.Key, out var value) && value == s.Value);

    private static string Name(JsonElement document) => Get(document, "metadata", "name").GetString()!;

    private static JsonElement Get(JsonElement element, params string[] path) =>
        path.Aggregate(element, (at, name) => at.TryGetProperty(name, out var next) ? next : throw new Xunit.Sdk.XunitException($"No '{name}' in {at}"));
}
