using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Orleans.Parallel.Code;
using Orleans.Parallel.Wire;
using Orleans.Parallel.Grains.Code;
using Orleans.Parallel.Tests.Cluster;

namespace Orleans.Parallel.Tests.Code;

/// <summary>
/// What an engine loads for a client session, and what its scripts compile to, must be freed:
/// session contexts unload even after user values went through the graph codec, and script
/// contexts do not pile up over many distinct scripts.
/// </summary>
[Collection(ClusterCollection.Name)]
public class UnloadTests(ClusterFixture fixture)
{
    [Fact]
    public void SessionContext_AfterUserValuesThroughItsCodec_Unloads()
    {
        var context = UseAndUnload(out var roundTripped);
        Assert.Equal("Thing { A = 7, B = seven }", roundTripped);
        for (var i = 0; i < 20 && context.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        Assert.False(context.IsAlive, "the session's load context (with its private codec copy) should unload");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference UseAndUnload(out string roundTripped)
    {
        var image = Emit("UnloadMe" + Guid.NewGuid().ToString("N"), "public sealed record Thing(int A, string B);");
        var context = new SessionLoadContext(Guid.NewGuid());
        var name = System.Reflection.AssemblyName.GetAssemblyName(image.Path);
        context.Register(new AssemblyRef(name.FullName, Guid.NewGuid(), "hash"), image.Bytes);
        var type = SessionLoadContext.Resolve(context, name).GetType("Thing", throwOnError: true)!;
        var thing = Activator.CreateInstance(type, 7, "seven")!;

        var codec = SessionValueCodec.LoadInto(context);
        var back = codec.Read(codec.Write(thing))!;
        Assert.Same(type, back.GetType());
        roundTripped = back.ToString()!;
        context.Unload();
        return new WeakReference(context);
    }

    [Fact]
    public async Task DistinctScripts_DoNotAccumulateLoadedAssemblies()
    {
        var engine = fixture.Client[3];
        await engine.ExecuteAsync("var unload_warm = 0;");
        // Counted by the engine, in its own process: the silo's (this one) for engines in the silo,
        // the engine's own for an isolated engine.
        var before = await engine.ApplyAsync(LiveScriptAssemblies);
        for (var i = 0; i < 60; i++) await engine.ExecuteAsync($"var unload_v = {i} * 2;");
        Assert.Equal(118, await engine.PullAsync<int>("unload_v"));
        var after = await engine.ApplyAsync(LiveScriptAssemblies);
        // Roslyn's own loader would keep two assemblies per script (prelude and code) forever.
        Assert.True(after - before < 20, $"{after - before} script assemblies are still loaded after 60 scripts");
    }

    private static int LiveScriptAssemblies()
    {
        for (var i = 0; i < 5; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        return AppDomain.CurrentDomain.GetAssemblies().Count(a => AssemblyLoadContext.GetLoadContext(a)?.Name == "op-scripts");
    }

    private static (string Path, byte[] Bytes) Emit(string assemblyName, string source)
    {
        var references = new[] { typeof(object).Assembly.Location, Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "System.Runtime.dll") }
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create(assemblyName, [CSharpSyntaxTree.ParseText(source)], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var path = Path.Combine(Path.GetTempPath(), assemblyName + ".dll");
        var result = compilation.Emit(path);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return (path, File.ReadAllBytes(path));
    }
}
