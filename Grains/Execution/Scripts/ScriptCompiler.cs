using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;
using Orleans.Parallel.Grains.Code;

namespace Orleans.Parallel.Grains.Execution.Scripts;

/// <summary>
/// Compiles script text for a namespace shape (variable names and types), once per silo: a prelude
/// declares each namespace variable the code names with its runtime type, and the user's code
/// follows, in the same submission or, when it cannot join it, the next, so it may read, assign or
/// redeclare any of them. The compiled images are cached here; the silo's engines share one loaded
/// copy of each (<see cref="LoadedScripts"/>), and an engine whose namespace holds a type its
/// scripts declared continues in a <see cref="ScriptChain"/> of its own.
/// </summary>
public sealed class ScriptCompiler
{
    // A cached script keeps its Roslyn compilation (tens of KB) so a chain can continue it: keep few.
    private const int CacheLimit = 64;
    private const int PreludeLimit = 32;

    private static readonly string[] Imports =
    [
        "System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Text",
        "System.Threading", "System.Threading.Tasks",
    ];

    private static readonly Assembly[] BaseReferences =
    [
        typeof(object).Assembly, typeof(Enumerable).Assembly, typeof(List<>).Assembly, typeof(Console).Assembly,
        typeof(ConcurrentDictionary<,>).Assembly, typeof(System.Numerics.BigInteger).Assembly,
        typeof(System.Text.RegularExpressions.Regex).Assembly, typeof(ScriptGlobals).Assembly,
        Assembly.Load("System.Runtime"), Assembly.Load("netstandard"),
    ];

    /// <summary>
    /// Roslyn's loader, which <c>CSharpScript.Create</c> otherwise makes anew for every script, each
    /// with a load context that is never freed (one more per new namespace shape). Scripts here are
    /// emitted and loaded by <see cref="LoadedScript"/>; this loader never loads anything.
    /// </summary>
    private static readonly Microsoft.CodeAnalysis.Scripting.Hosting.InteractiveAssemblyLoader SharedLoader = new();

    /// <summary>Roslyn reads an uploaded assembly's metadata once per image, not once per script.</summary>
    private static readonly ConditionalWeakTable<byte[], MetadataReference> ImageReferences = new();

    private readonly ConcurrentDictionary<string, Lazy<(Script<object> Script, ScriptImage Image)>> _preludes = new();
    private readonly ConcurrentDictionary<(string Shape, string Code), Lazy<CompiledScript>> _scripts = new();
    private readonly ConcurrentDictionary<(string Shape, string Template), bool> _unliftable = new();

    /// <summary>
    /// A script compiled for one namespace shape: its submissions (the prelude and the user's code
    /// as one, or as two when the code redeclares a variable), and the assemblies of the variables'
    /// declared types. A class, not a record: loaded copies are kept per compiled script
    /// (<see cref="LoadedScripts"/>), told apart by reference.
    /// </summary>
    internal sealed class CompiledScript(IReadOnlyList<ScriptImage> images, Script<object> last, IReadOnlyDictionary<string, Assembly> variableAssemblies)
    {
        /// <summary>The submissions' images, run in order.</summary>
        public IReadOnlyList<ScriptImage> Images { get; } = images;

        /// <summary>The last submission: what a chain continues.</summary>
        public Script<object> Last { get; } = last;

        public IReadOnlyDictionary<string, Assembly> VariableAssemblies { get; } = variableAssemblies;

        /// <summary>The text of every submission, prelude first.</summary>
        public string Source => Last.Previous is { } previous ? previous.Code + Last.Code : Last.Code;
    }

    private readonly LoadedScripts _loaded = new();

    /// <summary>The silo's one loaded copy of <paramref name="script"/> for a session's context.</summary>
    internal LoadedScript Load(CompiledScript script, AssemblyLoadContext session) => _loaded.For(script, session);

    /// <summary>Loads and exercises the compiler once (what a first Execute would otherwise wait for).</summary>
    public void WarmUp()
    {
        // Both forms: one submission, and prelude plus submission (the code redeclares with an out
        // variable); and a template (a literal and a new name taken out).
        var ns = new Dictionary<string, object?> { ["warm"] = 1 };
        foreach (var code in new[] { "var __ns_warm = warm + 1;", "int.TryParse(\"2\", out var warm);", "var __ns_warm = 2;" })
        {
            var prepared = Prepare(ns, code);
            var loaded = new LoadedScript(prepared.Compiled, AssemblyLoadContext.Default);
            loaded.Run(new ScriptGlobals(ns, default, prepared.Literals));
            loaded.Context.Unload();
        }
    }

    /// <summary>
    /// Whether a new script can start from a prelude: true unless a variable holds a value of a type
    /// only earlier scripts can name (a class a script declared, an anonymous object it created).
    /// </summary>
    public static bool FitsPrelude(IReadOnlyDictionary<string, object?> ns) =>
        ns.Values.All(v => v is null || !IsScriptType(v.GetType()) || CSharpTypeName.Nameable(v.GetType()) == v.GetType());

    private static bool IsScriptType(Type type) => AssemblyLoadContext.GetLoadContext(type.Assembly) is ScriptLoadContext;

    /// <summary>
    /// A chain that continues a run of <paramref name="loaded"/> in the engine's own context (later
    /// submissions resolve the run's assemblies in the shared one), for a namespace that now holds
    /// values of types the script declared.
    /// </summary>
    internal static ScriptChain Continuing(LoadedScript loaded, CompiledScript script, object[] submissions, IReadOnlyDictionary<string, object?> ns, AssemblyLoadContext session)
    {
        var assemblies = new Dictionary<string, Assembly>(StringComparer.Ordinal);
        foreach (var value in ns.Values)
            if (value is not null)
                foreach (var assembly in AssembliesOf(value.GetType()))
                    assemblies.TryAdd(assembly.GetName().Name!, assembly);
        return new ScriptChain(new ScriptLoadContext(assemblies, session, loaded.Context), submissions, script.Last);
    }

    /// <summary>
    /// Runs <paramref name="code"/> as the next submissions of an engine's kept chain, so types and
    /// variables of earlier scripts stay in scope with their exact types; variables changed since
    /// (pushed, for instance) are declared first. Compiled per engine and never cached.
    /// </summary>
    internal object? Continue(ScriptChain chain, IReadOnlyDictionary<string, object?> ns, string code, ExecuteClock clock, CancellationToken cancellationToken = default)
    {
        var current = chain.Variables.GroupBy(v => v.Name).ToDictionary(g => g.Key, g => g.Last().Value);
        var changed = Variables(ns).Where(v => !current.TryGetValue(v.Name, out var value) || !Equals(value, ns[v.Name])).ToArray();
        var options = Options(changed);
        var globals = new ScriptGlobals(ns, cancellationToken);
        if (changed.Length > 0)
        {
            var prelude = chain.Last.ContinueWith(PreludeText(changed), options);
            chain.Run(CompileChecked(prelude, clock), prelude, globals, clock);
        }
        var next = chain.Last.ContinueWith(code, options);
        clock.Compiled = true;
        return chain.Run(CompileChecked(next, clock), next, globals, clock);
    }

    /// <summary>
    /// Checks and emits a script in one pass. Not through <c>Script.Compile()</c>: that also builds
    /// Roslyn's own executor, loading the assembly into Roslyn's context, which is never freed.
    /// </summary>
    private static ScriptImage CompileChecked(Script<object> script, ExecuteClock? clock) => ScriptImage.Emit(script, clock); // emitting reports every error, once

    /// <summary>The namespace's variables a script can name (those <paramref name="include"/> accepts), with the types it declares them as.</summary>
    private static (string Name, Type Type)[] Variables(IReadOnlyDictionary<string, object?> ns, Func<string, bool>? include = null) => ns
        .Where(kv => (include is null || include(kv.Key)) && IsIdentifier(kv.Key) && !kv.Key.StartsWith("__ns", StringComparison.Ordinal))
        .Select(kv => (kv.Key, Type: kv.Value is null ? typeof(object) : CSharpTypeName.Nameable(kv.Value.GetType())))
        .OrderBy(v => v.Key, StringComparer.Ordinal)
        .ToArray();

    /// <summary>
    /// A script ready to run: compiled, and what its run passes in when it was compiled as a template
    /// (the literal values, the real names of renamed variables).
    /// </summary>
    internal readonly record struct PreparedScript(CompiledScript Compiled, object[]? Literals, IReadOnlyList<string>? Renamed);

    /// <summary>
    /// The compiled script for <paramref name="code"/> over <paramref name="ns"/>'s shape, shared with
    /// every script that differs from it only in literals and new variables' names (<see cref="ScriptTemplate"/>).
    /// </summary>
    internal PreparedScript Prepare(IReadOnlyDictionary<string, object?> ns, string code, ExecuteClock? clock = null)
    {
        var mentions = ScriptMentions.Of(code);
        var (variables, shape) = ShapeFor(ns, mentions);
        if (mentions.Template is { } template && !_unliftable.ContainsKey((shape, template.Text)))
        {
            try
            {
                return new PreparedScript(Compile(variables, shape, template.Text, clock), template.Literals, template.Declared);
            }
            catch (ScriptCompilationException)
            {
                // A place that needs a constant: this template never compiles; the code compiles as written.
                if (_unliftable.Count > CacheLimit) _unliftable.Clear();
                _unliftable.TryAdd((shape, template.Text), true);
            }
        }
        return new PreparedScript(Compile(variables, shape, code, clock), null, null);
    }

    /// <summary>The compiled script for <paramref name="code"/>, exactly as written, over a namespace with <paramref name="ns"/>'s shape.</summary>
    internal CompiledScript Compile(IReadOnlyDictionary<string, object?> ns, string code, ExecuteClock? clock = null)
    {
        var (variables, shape) = ShapeFor(ns, ScriptMentions.Of(code));
        return Compile(variables, shape, code, clock);
    }

    /// <summary>
    /// The namespace variables a script's prelude declares, and the shape (names, types and builds) that
    /// keys its compiled form. Only the variables the code names and does not declare itself: the
    /// prelude, its compile time and the cache key stay the size of the script, not of the namespace,
    /// which grows by a name at every line typed; and a script that redeclares a variable compiles as one submission.
    /// </summary>
    private static ((string Name, Type Type)[] Variables, string Shape) ShapeFor(IReadOnlyDictionary<string, object?> ns, ScriptMentions mentions)
    {
        var variables = Variables(ns, mentions.Needs); // filtered first: typing every variable would grow with the namespace
        // Types are told apart by build (module id), not only by name: two clients may upload two builds of one assembly.
        return (variables, string.Join(";", variables.Select(v => $"{v.Name}:{v.Type.AssemblyQualifiedName}@{v.Type.Module.ModuleVersionId}")));
    }

    private CompiledScript Compile((string Name, Type Type)[] variables, string shape, string code, ExecuteClock? clock)
    {
        // Dropping entries bounds the caches; nothing loaded hangs off them.
        if (_scripts.Count > CacheLimit) _scripts.Clear();
        if (_preludes.Count > PreludeLimit) _preludes.Clear();
        var lazy = _scripts.GetOrAdd((shape, code), _ => new Lazy<CompiledScript>(() =>
        {
            var assemblies = new Dictionary<string, Assembly>(StringComparer.Ordinal);
            foreach (var assembly in variables.SelectMany(v => AssembliesOf(v.Type))) assemblies.TryAdd(assembly.GetName().Name!, assembly);
            // One submission, prelude and code together: half the loading and JIT of two (each
            // submission is its own assembly and async state machine, about 2 ms of a first run).
            var merged = CSharpScript.Create<object>(PreludeText(variables) + "#line 1\n" + code, Options(variables), typeof(ScriptGlobals), SharedLoader);
            try
            {
                if (clock is not null) clock.Compiled = true;
                return new CompiledScript([CompileChecked(merged, clock)], merged, assemblies);
            }
            catch (ScriptCompilationException)
            {
                // The code redeclares a variable (or has an error): as its own submission after the
                // prelude, it may shadow any variable, and its errors are its own.
            }
            var (prelude, preludeImage) = _preludes.GetOrAdd(shape, _ => new Lazy<(Script<object>, ScriptImage)>(() =>
            {
                var script = CSharpScript.Create<object>(PreludeText(variables), Options(variables), typeof(ScriptGlobals), SharedLoader);
                return (script, CompileChecked(script, clock));
            })).Value;
            var user = prelude.ContinueWith(code);
            return new CompiledScript([preludeImage, CompileChecked(user, clock)], user, assemblies);
        }));
        try
        {
            var compiled = lazy.Value;
            clock?.Lap(ExecuteClock.Phase.Prepare); // a script found (or waited for) costs its lookup; a compiled one, nothing more
            return compiled;
        }
        catch (ScriptCompilationException)
        {
            _scripts.TryRemove(new KeyValuePair<(string, string), Lazy<CompiledScript>>((shape, code), lazy));
            throw;
        }
    }

    private static ScriptOptions Options((string Name, Type Type)[] variables)
    {
        var assemblies = BaseReferences.Concat(variables.SelectMany(v => AssembliesOf(v.Type))).Distinct().ToArray();
        var references = assemblies.Where(a => !string.IsNullOrEmpty(a.Location))
            .Select(a => (MetadataReference)SharedMetadataResolver.Instance.FromFile(a.Location))
            .Concat(assemblies.Select(AssemblyLoadContext.GetLoadContext).OfType<SessionLoadContext>().Distinct()
                .SelectMany(session => session.LoadedImages)
                .Select(image => ImageReferences.GetValue(image, i => MetadataReference.CreateFromImage(i))));
        return ScriptOptions.Default
            .WithMetadataResolver(SharedMetadataResolver.Instance)
            .WithReferences(references)
            .WithImports(Imports)
            .WithOptimizationLevel(OptimizationLevel.Release)
            .WithEmitDebugInformation(false);
    }

    private static string PreludeText((string Name, Type Type)[] variables)
    {
        // Never empty: Roslyn emits nothing for an empty submission, and the chain needs every slot.
        var text = new StringBuilder("var __ns_prelude = 0;\n");
        foreach (var (name, type) in variables)
            text.Append("var @").Append(name).Append(" = (").Append(CSharpTypeName.Of(type))
                .Append(")__ns__[\"").Append(name).Append("\"];\n");
        return text.ToString();
    }

    private static IEnumerable<Assembly> AssembliesOf(Type type)
    {
        if (type.IsArray) return AssembliesOf(type.GetElementType()!);
        var own = new[] { type.Assembly };
        return type.IsGenericType ? own.Concat(type.GetGenericArguments().SelectMany(AssembliesOf)) : own;
    }

    private static bool IsIdentifier(string name) =>
        name.Length > 0 && (char.IsLetter(name[0]) || name[0] == '_') && name.All(c => char.IsLetterOrDigit(c) || c == '_');
}
