using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Orleans.Parallel.Benchmarks;

/// <summary>
/// Issue 3's code figures: a warm Execute on one engine, the silo's memory over many distinct
/// compiled scripts (each is loaded collectibly and must not accumulate) and over as many
/// Executes that each declare a new variable (issue 16), and the first
/// Apply of a function in a 1 MB assembly the silo has never seen (upload and load).
/// </summary>
internal static class CodeFigures
{
    public static void Measure(ParallelClient rc, int siloPid, Sizes sizes, Figures figures, bool breakdown)
    {
        WarmExecute(rc, figures, breakdown);
        DistinctScripts(rc, siloPid, sizes.DistinctScripts, figures, breakdown);
        NewVariables(rc, siloPid, sizes.DistinctScripts, figures, breakdown);
        FirstApplyOfNewAssembly(rc, figures);
    }

    private static void WarmExecute(ParallelClient rc, Figures figures, bool breakdown)
    {
        var e0 = rc[0];
        for (var i = 0; i < 10; i++) e0.ExecuteSync($"var warm_one = {i};");
        const int calls = 100;
        var parts = new Breakdown(breakdown);
        var ms = Clock.Ms(() =>
        {
            for (var i = 0; i < calls; i++) parts.Keep(e0.ExecuteAsync($"var one = {i} + 1;")).Get();
        });
        figures.Add("execute_one_ms", ms / calls);
        parts.Report("execute_one", figures);
        // The same text again and again (a cell run anew): compiled and loaded once, then only run.
        for (var i = 0; i < 10; i++) e0.ExecuteSync("var repeat = one + 1;");
        figures.Add("execute_repeat_ms", Clock.Ms(() =>
        {
            for (var i = 0; i < calls; i++) e0.ExecuteSync("var repeat = one + 1;");
        }) / calls);
    }

    /// <summary>What the engine's process holds: managed heap after a full collection, live script contexts, loaded assemblies.</summary>
    private static (double HeapMB, int ScriptContexts, int Assemblies) SiloState(ParallelClient rc) => rc[0].ApplySync(() =>
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        return (GC.GetTotalMemory(forceFullCollection: true) / 1e6,
            AssemblyLoadContext.All.Count(c => c.Name == "op-scripts"),
            AppDomain.CurrentDomain.GetAssemblies().Length);
    });

    /// <summary>
    /// Scripts that must each be compiled: a number in a compound assignment stays in the code (no
    /// template can share it), so every line is a Roslyn compile, a load and a JIT. The figures for
    /// what compiling costs, and for the memory that compiled scripts must not keep.
    /// </summary>
    private static void DistinctScripts(ParallelClient rc, int siloPid, int count, Figures figures, bool breakdown)
    {
        var e0 = rc[0];
        var before = SiloState(rc);
        var rssBefore = Rss(siloPid);
        var parts = new Breakdown(breakdown);
        var ms = Clock.Ms(() =>
        {
            for (var i = 0; i < count; i++) parts.Keep(e0.ExecuteAsync($"var distinct = 1; distinct += {i};")).Get();
        });
        parts.Report("distinct_script", figures);
        var after = SiloState(rc);
        figures.Add("distinct_scripts", count);
        figures.Add("distinct_script_ms", ms / count);
        figures.Add("distinct_scripts_silo_heap_growth_MB", after.HeapMB - before.HeapMB);
        figures.Add("distinct_scripts_silo_rss_growth_MB", Rss(siloPid) - rssBefore);
        figures.Add("distinct_scripts_live_script_contexts", after.ScriptContexts);
        figures.Add("distinct_scripts_loaded_assemblies_growth", after.Assemblies - before.Assemblies);
    }

    /// <summary>
    /// An interactive session: every Execute declares a new variable, so the namespace's shape changes
    /// at every line (the case that cost 80 MB per line while the figures above reused one name). Lines
    /// differing only in a literal and a new name share one compiled template.
    /// </summary>
    private static void NewVariables(ParallelClient rc, int siloPid, int count, Figures figures, bool breakdown)
    {
        var e0 = rc[0];
        e0.ClearSync();
        var rssBefore = Rss(siloPid);
        var times = new double[count];
        var parts = new Breakdown(breakdown);
        for (var i = 0; i < count; i++) times[i] = Clock.Ms(() => parts.Keep(e0.ExecuteAsync($"var new_variable_{i} = {i};")).Get());
        parts.Report("execute_new_variable", figures);
        SiloState(rc); // full collections, so the growth is what stays
        figures.Add("execute_new_variable_ms", times.Average());
        figures.Add("execute_new_variable_first_10_ms", times.Skip(1).Take(10).Average()); // the very first pays for its JIT
        figures.Add("execute_new_variable_last_10_ms", times.TakeLast(10).Average());
        figures.Add("execute_new_variable_rss_growth_MB", Rss(siloPid) - rssBefore);
        e0.ClearSync();
    }

    private static double Rss(int pid)
    {
        using var process = Process.GetProcessById(pid);
        return process.WorkingSet64 / 1e6;
    }

    /// <summary>A 1 MB assembly (a small class and a 1 MB resource) built here, so no silo has it.</summary>
    private static void FirstApplyOfNewAssembly(ParallelClient rc, Figures figures)
    {
        var name = "BigFunctions" + Guid.NewGuid().ToString("N");
        var path = Path.Combine(Path.GetTempPath(), name + ".dll");
        var blob = new byte[1 << 20];
        new Random(7).NextBytes(blob);
        var compilation = CSharpCompilation.Create(name,
            [CSharpSyntaxTree.ParseText("public static class Big { public static int Answer(int x) => x + 41; }")],
            [MetadataReference.CreateFromFile(typeof(object).Assembly.Location)],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        using (var file = File.Create(path))
        {
            var result = compilation.Emit(file, manifestResources: [new ResourceDescription("blob", () => new MemoryStream(blob), isPublic: true)]);
            if (!result.Success) throw new InvalidOperationException(string.Join("\n", result.Diagnostics));
        }
        var answer = AssemblyLoadContext.Default.LoadFromAssemblyPath(path).GetType("Big", throwOnError: true)!
            .GetMethod("Answer", BindingFlags.Public | BindingFlags.Static)!.CreateDelegate<Func<int, int>>();
        figures.Add("new_assembly_size_MB", new FileInfo(path).Length / 1e6);
        var first = Clock.Ms(() => Check(rc[0].ApplySync(answer, 1)));
        figures.Add("first_apply_new_assembly_ms", first);
        figures.Add("second_apply_new_assembly_ms", Clock.Ms(() => Check(rc[0].ApplySync(answer, 1))));
    }

    private static void Check(int answer)
    {
        if (answer != 42) throw new InvalidOperationException($"The new assembly's function returned {answer}, not 42.");
    }
}
