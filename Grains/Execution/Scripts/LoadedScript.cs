using System.Runtime.Loader;

namespace Orleans.Parallel.Grains.Execution.Scripts;

/// <summary>
/// A compiled script (prelude and code) loaded once into a collectible context of its own and run
/// by every engine of the silo whose session it was loaded for. A script's variables live in the
/// submission array each run passes in, never in the loaded code, so one loaded copy serves any
/// number of namespaces: a broadcast costs one compile, one load and one JIT, then a call per engine.
/// </summary>
internal sealed class LoadedScript
{
    private readonly Func<object[], Task<object>> _prelude;
    private readonly Func<object[], Task<object>> _code;

    public LoadedScript(ScriptCompiler.CompiledScript compiled, AssemblyLoadContext session)
    {
        Context = new ScriptLoadContext(compiled.VariableAssemblies, session);
        _prelude = compiled.PreludeImage.Factory(Context.Add(compiled.PreludeImage));
        _code = compiled.CodeImage.Factory(Context.Add(compiled.CodeImage));
    }

    /// <summary>Where the script's assemblies live; a chain that continues one of its runs resolves them here.</summary>
    public ScriptLoadContext Context { get; }

    /// <summary>Runs the prelude, then the code; gives the code's value and the run's submissions (prelude, code).</summary>
    public (object? Result, object[] Submissions) Run(ScriptGlobals globals)
    {
        var submissions = new object[3];
        submissions[0] = globals;
        _prelude(submissions).GetAwaiter().GetResult();
        var result = _code(submissions).GetAwaiter().GetResult();
        return (result, [submissions[1], submissions[2]]);
    }
}
