using System.Collections.Concurrent;
using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;
using Orleans.Parallel.Engine;

namespace Orleans.Parallel.Grains.Execution;

/// <summary>
/// Compiles script text for a namespace shape (variable names and types), once per silo: a prelude
/// submission declares every namespace variable with its runtime type, and the user's code follows
/// as the next submission, so it may read, assign or redeclare any of them. Compiled scripts are
/// shared by all engines of the silo, keyed by shape and text.
/// </summary>
public sealed class ScriptCompiler
{
    private const int CacheLimit = 1024;

    private static readonly string[] Imports =
    [
        "System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Text",
        "System.Threading", "System.Threading.Tasks",
    ];

    private static readonly Assembly[] BaseReferences =
    [
        typeof(object).Assembly, typeof(Enumerable).Assembly, typeof(List<>).Assembly, typeof(Console).Assembly,
        typeof(System.Collections.Concurrent.ConcurrentDictionary<,>).Assembly, typeof(System.Numerics.BigInteger).Assembly,
        typeof(System.Text.RegularExpressions.Regex).Assembly, typeof(ScriptGlobals).Assembly,
        Assembly.Load("System.Runtime"), Assembly.Load("netstandard"),
    ];

    private readonly ConcurrentDictionary<string, Lazy<Script<object>>> _preludes = new();
    private readonly ConcurrentDictionary<(string Shape, string Code), Lazy<Script<object>>> _scripts = new();

    /// <summary>Loads and exercises the compiler once (what a first Execute would otherwise wait for).</summary>
    public void WarmUp()
    {
        var empty = new Dictionary<string, object?>();
        Compile(empty, "var __ns_warm = 1;").RunAsync(new ScriptGlobals(empty)).GetAwaiter().GetResult();
    }

    /// <summary>
    /// Whether a new script can start from a prelude: true unless a variable holds a value of a type
    /// only earlier scripts can name (a class a script declared, an anonymous object it created).
    /// </summary>
    public static bool FitsPrelude(IReadOnlyDictionary<string, object?> ns) =>
        ns.Values.All(v => v is null || CSharpTypeName.Nameable(v.GetType()) == v.GetType() || !IsScriptType(v.GetType()));

    /// <summary>
    /// Continues an engine's own script chain, so types and variables of earlier scripts stay in scope
    /// with their exact types; variables changed since (pushed, for instance) are declared first.
    /// Compiled per engine and never cached: used only when <see cref="FitsPrelude"/> is false.
    /// </summary>
    public ScriptState<object> Continue(ScriptState<object> last, IReadOnlyDictionary<string, object?> ns, string code)
    {
        var current = last.Variables.GroupBy(v => v.Name).ToDictionary(g => g.Key, g => g.Last().Value);
        var changed = Variables(ns).Where(v => !current.TryGetValue(v.Name, out var value) || !Equals(value, ns[v.Name])).ToArray();
        var options = Options(changed);
        try
        {
            var state = last;
            if (changed.Length > 0) state = state.ContinueWithAsync(PreludeText(changed), options).GetAwaiter().GetResult();
            return state.ContinueWithAsync(code, options).GetAwaiter().GetResult();
        }
        catch (CompilationErrorException e)
        {
            throw new ScriptCompilationException(e.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)
                .OrderBy(d => d.Location.SourceSpan.Start).Select(ToWire).ToArray());
        }
    }

    private static bool IsScriptType(Type type) => type.Assembly.IsDynamic || string.IsNullOrEmpty(type.Assembly.Location);

    private static (string Name, Type Type)[] Variables(IReadOnlyDictionary<string, object?> ns) => ns
        .Where(kv => IsIdentifier(kv.Key) && !kv.Key.StartsWith("__ns", StringComparison.Ordinal))
        .Select(kv => (kv.Key, Type: kv.Value is null ? typeof(object) : CSharpTypeName.Nameable(kv.Value.GetType())))
        .OrderBy(v => v.Key, StringComparer.Ordinal)
        .ToArray();

    /// <summary>A compiled script for <paramref name="code"/> over a namespace with <paramref name="ns"/>'s shape.</summary>
    public Script<object> Compile(IReadOnlyDictionary<string, object?> ns, string code)
    {
        var variables = Variables(ns);
        var shape = string.Join(";", variables.Select(v => v.Name + ":" + v.Type.AssemblyQualifiedName));

        // Dropping entries bounds the cache, not memory: Roslyn's script assemblies are never unloaded.
        if (_scripts.Count > CacheLimit) _scripts.Clear();
        if (_preludes.Count > CacheLimit) _preludes.Clear();
        var lazy = _scripts.GetOrAdd((shape, code), key => new Lazy<Script<object>>(() =>
        {
            var prelude = _preludes.GetOrAdd(shape, _ => new Lazy<Script<object>>(() => CreatePrelude(variables))).Value;
            var script = prelude.ContinueWith(code);
            var errors = script.Compile().Where(d => d.Severity == DiagnosticSeverity.Error)
                .OrderBy(d => d.Location.SourceSpan.Start).ToArray();
            if (errors.Length > 0) throw new ScriptCompilationException(errors.Select(ToWire).ToArray());
            return script;
        }));
        try
        {
            return lazy.Value;
        }
        catch (ScriptCompilationException)
        {
            _scripts.TryRemove(new KeyValuePair<(string, string), Lazy<Script<object>>>((shape, code), lazy));
            throw;
        }
    }

    private static Script<object> CreatePrelude((string Name, Type Type)[] variables)
    {
        var prelude = CSharpScript.Create<object>(PreludeText(variables), Options(variables), typeof(ScriptGlobals));
        prelude.Compile();
        return prelude;
    }

    private static ScriptOptions Options((string Name, Type Type)[] variables) => ScriptOptions.Default
        .WithReferences(BaseReferences.Concat(variables.SelectMany(v => AssembliesOf(v.Type))).Distinct()
            .Where(a => !string.IsNullOrEmpty(a.Location)))
        .WithImports(Imports)
        .WithOptimizationLevel(OptimizationLevel.Release)
        .WithEmitDebugInformation(false);

    private static string PreludeText((string Name, Type Type)[] variables)
    {
        var text = new StringBuilder();
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

    private static CompilerDiagnostic ToWire(Diagnostic d)
    {
        var position = d.Location.GetLineSpan().StartLinePosition;
        return new CompilerDiagnostic(d.Id, d.Severity.ToString(), position.Line + 1, position.Character + 1, d.GetMessage());
    }

    private static bool IsIdentifier(string name) =>
        name.Length > 0 && (char.IsLetter(name[0]) || name[0] == '_') && name.All(c => char.IsLetterOrDigit(c) || c == '_');
}
