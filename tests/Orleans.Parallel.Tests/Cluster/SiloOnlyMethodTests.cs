using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Parallel.Bulk;
using Orleans.Parallel.Checkpoints;
using Orleans.Parallel.Code;
using Orleans.Parallel.Engine;
using Orleans.Parallel.Grains.Hub;
using Orleans.Parallel.Grains.Security;
using Orleans.Parallel.Hub;
using Orleans.Parallel.Registry;
using Orleans.Parallel.Scheduling;
using Orleans.Parallel.Storage;

namespace Orleans.Parallel.Tests.Cluster;

/// <summary>
/// Methods marked <see cref="Security.SiloOnlyAttribute"/> refuse a client's call, with a message that
/// names them, and the cluster goes on as before; the silo's own services, calling outside any grain,
/// still reach them.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SiloOnlyMethodTests(ClusterFixture fixture)
{
    private IClusterClient Client => fixture.Cluster.Client;

    [Fact]
    public async Task Client_CallingSiloOnlyMethods_IsRefused_AndTheClusterIsIntact()
    {
        var registry = Client.GetGrain<IEngineRegistryGrain>(0);
        var before = await registry.GetEnginesAsync();
        Assert.Equal(ClusterFixture.EngineCount, before.Engines.Count);
        var idsBefore = fixture.Client.Ids.ToArray();
        var zero = before.Engines.Single(e => e.EngineId == 0);

        // What one client did: engine 0 re-pointed at a listener of its own, to receive another client's push.
        var hijacked = zero with { Bulk = new BulkEndpoint("127.0.0.1", 1, new byte[32]) };
        await AssertRefusedAsync("IEngineRegistryGrain.ReplaceAsync", () => registry.ReplaceAsync(hijacked, zero.Incarnation));
        await AssertRefusedAsync("IEngineRegistryGrain.SilosDiedAsync", () => registry.SilosDiedAsync([zero.SiloAddress]));
        await AssertRefusedAsync("IEngineRegistryGrain.UnregisterAsync", () => registry.UnregisterAsync([.. before.Engines.Select(e => e.EngineId)]));
        await AssertRefusedAsync("IEngineRegistryGrain.ReserveIdsAsync", () => registry.ReserveIdsAsync(1, zero.SiloAddress));
        await AssertRefusedAsync("IEngineRegistryGrain.ListAsync", () => registry.ListAsync([hijacked with { EngineId = before.IdsGivenOut }]));
        await AssertRefusedAsync("IEngineRegistryGrain.EnsureAsync", () => registry.EnsureAsync([hijacked]));

        var engine = Client.GetGrain<IEngineGrain>(zero.Incarnation);
        await AssertRefusedAsync("IEngineGrain.StopAsync", () => engine.StopAsync());
        await AssertRefusedAsync("IEngineGrain.TakeAsync", () => engine.TakeAsync([], zero.SiloAddress, 0));
        await AssertRefusedAsync("IEngineGrain.StartAsync", () => Client.GetGrain<IEngineGrain>(Guid.NewGuid()).StartAsync("made-up", 0));

        // The other internals: queues, stores, records.
        var queue = Client.GetGrain<ITaskQueueGrain>(zero.SiloAddress);
        await AssertRefusedAsync("ITaskQueueGrain.SubmitAsync", () => queue.SubmitAsync(new BalancedBatch(fixture.Client.SessionId, fixture.Client.Dispatcher.Observer, [])));
        await AssertRefusedAsync("ITaskQueueGrain.WaitingAsync", () => queue.WaitingAsync());
        await AssertRefusedAsync("IEngineCheckpointGrain.GetAsync", () => Client.GetGrain<IEngineCheckpointGrain>(0).GetAsync());
        await AssertRefusedAsync("IStoredChunkGrain.ReadAsync", () => Client.GetGrain<IStoredChunkGrain>("made-up").ReadAsync());
        await AssertRefusedAsync("ITaskRecordsGrain.HistoryAsync", () => Client.GetGrain<ITaskRecordsGrain>(0).HistoryAsync());
        await AssertRefusedAsync("IAssemblyStoreGrain.GetAsync", () => Client.GetGrain<IAssemblyStoreGrain>(new string('0', 64)).GetAsync());
        await AssertRefusedAsync("IRecorderGrain.FlushAsync", () => Client.GetGrain<IRecorderGrain>(zero.SiloAddress).FlushAsync());

        // Nothing changed: the same engines under the same ids, at the same endpoints, and all of them work.
        var after = await registry.GetEnginesAsync();
        Assert.Equal(before.Engines, after.Engines);
        Assert.Equal(before.Engines.Select(e => e.Bulk), after.Engines.Select(e => e.Bulk)); // EngineEntry equality holds the endpoint by host and port
        Assert.Equal(before.IdsGivenOut, after.IdsGivenOut);
        Assert.Equal(idsBefore, fixture.Client.Ids);
        var ones = await fixture.Client[..].ApplyAsync(() => 1);
        Assert.Equal(Enumerable.Repeat(1, ClusterFixture.EngineCount), ones);
        await fixture.Client[..].PushAsync(new { silo_only_check = 7 });
        Assert.Equal(Enumerable.Repeat(7, ClusterFixture.EngineCount), await fixture.Client[..].PullAsync<int>("silo_only_check"));
    }

    [Fact]
    public async Task SiloServiceOutsideAnyGrain_CallsSiloOnlyMethods()
    {
        // The silo's own IGrainFactory, called from no grain: Orleans sends as the silo's hosted client
        // (sys.client/hosted-…), as the engine host, the death watcher and the task recorder do.
        var grains = fixture.Cluster.GetSiloServiceProvider().GetRequiredService<IGrainFactory>();
        var registry = grains.GetGrain<IEngineRegistryGrain>(0);
        var before = await registry.GetEnginesAsync();
        await registry.EnsureAsync(before.Engines); // every one listed already: changes nothing
        Assert.Equal(before.Engines, (await registry.GetEnginesAsync()).Engines);
        var silo = fixture.Cluster.Silos[0].SiloAddress.ToParsableString();
        Assert.NotNull(await grains.GetGrain<ITaskQueueGrain>(silo).WaitingAsync());
        await grains.GetGrain<IRecorderGrain>(silo).FlushAsync();
        Assert.Equal(ClusterFixture.EngineCount, fixture.Client.Ids.Count);
    }

    private static async Task AssertRefusedAsync(string method, Func<Task> call)
    {
        var refused = await Assert.ThrowsAsync<UnauthorizedAccessException>(call);
        Assert.StartsWith($"{method} is for silos only: a client may not call it", refused.Message);
    }
}

/// <summary>
/// Which grain methods are for silos only: exactly those no code of the client library calls (read from
/// ClientLib's source with Roslyn), and the list below, so that a change to it is deliberate.
/// </summary>
public sealed class SiloOnlyMarkingTests
{
    /// <summary>Every method marked, directly or through its interface. Change it only with the marks.</summary>
    private static readonly string[] Marked =
    [
        "IAssemblyStoreGrain.GetAsync",
        "IEngineCheckpointGrain.GetAsync",
        "IEngineCheckpointGrain.SaveAsync",
        "IEngineGrain.StartAsync",
        "IEngineGrain.StopAsync",
        "IEngineGrain.TakeAsync",
        "IEngineRegistryGrain.EnsureAsync",
        "IEngineRegistryGrain.ListAsync",
        "IEngineRegistryGrain.ReplaceAsync",
        "IEngineRegistryGrain.ReserveIdsAsync",
        "IEngineRegistryGrain.SilosDiedAsync",
        "IEngineRegistryGrain.UnregisterAsync",
        "IRecorderGrain.FlushAsync",
        "IStoredChunkGrain.ClearAsync",
        "IStoredChunkGrain.ReadAsync",
        "IStoredChunkGrain.WriteAsync",
        "ITaskQueueGrain.ReportAsync",
        "ITaskQueueGrain.SubmitAsync",
        "ITaskQueueGrain.WaitingAsync",
        "ITaskRecordsGrain.GetAsync",
        "ITaskRecordsGrain.HistoryAsync",
        "ITaskRecordsGrain.PurgeAsync",
        "ITaskRecordsGrain.QueryAsync",
        "ITaskRecordsGrain.SaveAsync",
    ];

    /// <summary>
    /// The grain interfaces silos serve: those of GrainInterfaces and of the grains themselves. Observer
    /// interfaces are left out: clients implement them, and a silo's filter never sees a call to one.
    /// </summary>
    private static readonly Type[] GrainInterfaces =
    [
        .. new[] { typeof(IEngineGrain).Assembly, typeof(IRecorderGrain).Assembly }
            .SelectMany(a => a.GetTypes())
            .Where(t => t.IsInterface && typeof(IAddressable).IsAssignableFrom(t) && !typeof(IGrainObserver).IsAssignableFrom(t))
    ];

    private static IEnumerable<(string Name, MethodInfo Method)> GrainMethods() =>
        GrainInterfaces.SelectMany(t => t.GetMethods().Select(m => ($"{t.Name}.{m.Name}", m)));

    /// <summary>The methods marked now, read from the attributes as the filter reads them.</summary>
    private static string[] MarkedNow() =>
        [.. GrainMethods().Where(m => SiloOnlyCallFilter.IsSiloOnly(m.Method)).Select(m => m.Name).Distinct().Order(StringComparer.Ordinal)];

    [Fact]
    public void TheMarkedMethods_AreExactlyTheListedOnes() => Assert.Equal(Marked, MarkedNow());

    [Fact]
    public void NoMarkedMethod_IsCalledByTheClientLibrary()
    {
        var calledYetMarked = MarkedNow().Intersect(ClientLibGrainCalls.Value).ToArray();
        Assert.True(calledYetMarked.Length == 0,
            $"The client library calls these, so a silo would refuse its calls: they cannot be [SiloOnly]: {string.Join(", ", calledYetMarked)}");
    }

    [Fact]
    public void EveryGrainMethod_TheClientLibraryDoesNotCall_IsMarked()
    {
        var called = ClientLibGrainCalls.Value;
        var unmarked = GrainMethods().Where(m => !SiloOnlyCallFilter.IsSiloOnly(m.Method)).Select(m => m.Name).Distinct();
        var neitherCalledNorMarked = unmarked.Except(called).Order(StringComparer.Ordinal).ToArray();
        Assert.True(neitherCalledNorMarked.Length == 0,
            $"No client library code calls these, so they are for silos only: mark them [SiloOnly] (or call them): {string.Join(", ", neitherCalledNorMarked)}");
    }

    [Fact]
    public void TheScanOfTheClientLibrary_FindsItsKnownCalls()
    {
        // Guards the two tests above against a scan that binds nothing: these calls are known to be there.
        string[] known = ["IEngineGrain.SubmitAsync", "IEngineGrain.ReplaceAsync", "IEngineGrain.EndSessionAsync", "IEngineRegistryGrain.SubscribeAsync",
            "ITaskQueueGrain.EpochAsync", "IAssemblyStoreGrain.UploadAsync", "IHubGrain.QueryAsync", "IBroadcastGrain.SubmitAsync"];
        Assert.Empty(known.Except(ClientLibGrainCalls.Value));
    }

    [Fact]
    public void TheFilter_CountsExternalClientsAsClients_AndTheSilosOwnSendersNot()
    {
        Assert.True(SiloOnlyCallFilter.IsFromClient(GrainId.Create("sys.client", Guid.NewGuid().ToString("N")))); // a client through a gateway
        Assert.True(SiloOnlyCallFilter.IsFromClient(null)); // no sender: nothing in a silo sends so
        Assert.False(SiloOnlyCallFilter.IsFromClient(GrainId.Create("sys.client", "hosted-S127.0.0.1:11111:123456"))); // a silo's hosted client
        Assert.False(SiloOnlyCallFilter.IsFromClient(GrainId.Create("engine", Guid.NewGuid().ToString("N")))); // a grain
        Assert.False(SiloOnlyCallFilter.IsFromClient(GrainId.Create("sys.svc.dir", "S127.0.0.1:11111:123456"))); // a system target
    }

    /// <summary>
    /// Every grain interface method ClientLib's source names (calls, or hands on as a method group), as
    /// "IInterface.Method": its files compiled with Roslyn against the assemblies ClientLib references.
    /// </summary>
    private static readonly Lazy<string[]> ClientLibGrainCalls = new(() =>
    {
        var source = Path.Combine(RepositoryRoot(), "ClientLib");
        var parse = new CSharpParseOptions(LanguageVersion.Preview);
        var trees = Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), parse, f))
            .Append(CSharpSyntaxTree.ParseText(ImplicitUsings, parse))
            .ToArray();
        var compilation = CSharpCompilation.Create(typeof(ParallelClient).Assembly.GetName().Name, trees, References(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true));
        var served = GrainInterfaces.Select(t => t.FullName!).ToHashSet();
        var calls = new HashSet<string>();
        foreach (var tree in trees)
        {
            var model = compilation.GetSemanticModel(tree);
            foreach (var name in tree.GetRoot().DescendantNodes().OfType<SimpleNameSyntax>())
            {
                var info = model.GetSymbolInfo(name);
                foreach (var symbol in info.Symbol is { } bound ? ImmutableArray.Create(bound) : info.CandidateSymbols)
                    if (symbol is IMethodSymbol { ContainingType: { TypeKind: TypeKind.Interface } type } method
                        && served.Contains(type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat).Replace("global::", "")))
                        calls.Add($"{type.Name}.{method.Name}");
            }
        }
        return [.. calls.Order(StringComparer.Ordinal)];
    });

    /// <summary>What ClientLib's project gives every file (the SDK's ImplicitUsings and Orleans' own).</summary>
    private const string ImplicitUsings = """
        global using Orleans;
        global using Orleans.Hosting;
        global using Orleans.Runtime;
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    /// <summary>The framework and everything ClientLib references, directly or not; not ClientLib itself.</summary>
    private static MetadataReference[] References()
    {
        var framework = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var client = typeof(ParallelClient).Assembly;
        var seen = new Dictionary<string, Assembly>();
        var pending = new Stack<Assembly>(client.GetReferencedAssemblies().Select(Assembly.Load));
        while (pending.TryPop(out var assembly))
        {
            if (assembly.IsDynamic || assembly.Location.Length == 0 || !seen.TryAdd(assembly.Location, assembly)) continue;
            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                try { pending.Push(Assembly.Load(reference)); }
                catch (Exception e) when (e is FileNotFoundException or FileLoadException) { } // an optional dependency this process never loads
            }
        }
        return [.. framework.Concat(seen.Keys).Where(p => p != client.Location).Distinct().Select(p => MetadataReference.CreateFromFile(p))];
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Orleans.Parallel.sln")))
                return dir.FullName;
        throw new DirectoryNotFoundException("Orleans.Parallel.sln was not found above the test assembly's folder.");
    }
}
