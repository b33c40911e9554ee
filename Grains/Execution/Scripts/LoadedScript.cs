using System.Runtime.Loader;

namespace Orleans.Parallel.Grains.Execution.Scripts;

/// <summary>
/// A compiled script (its one or two submissions) loaded once into a collectible context of its own and run
/// by every engine of the silo whose session it was loaded for. A script's variables live in the
/// submission array each run passes in, never in the loaded code, so one loaded copy serves any
/// number of namespaces: a broadcast costs one compile, one load and one JIT, then a call per engine.
/// </summary>
internal sealed class LoadedScript
{
    private readonly Func<object[], Task<object>>[] _submissions;

    public LoadedScript(ScriptCompiler.CompiledScript compiled, AssemblyLoadContext session)
    {
        Context = new ScriptLoadContext(compiled.VariableAssemblies, session);
        _submissions = compiled.Images.Select(image => image.Factory(Context.Add(image))).ToArray();
    }

    /// <summary>Where the script's assemblies live; a chain that continues one of its runs resolves them here.</summary>
    public ScriptLoadContext Context { get; }

    /// <summary>Runs the submissions in order; gives the last one's value and the run's submission instances.</summary>
    public (object? Result, object[] Submissions) Run(ScriptGlobals globals)
    {
        var submissions = new object[_submissions.Length + 1];
        submissions[0] = globals;
        object? result = null;
        foreach (var submission in _submissions) result = submission(submissions).GetAwaiter().GetResult();
        return (result, submissions[1..]);
    }
}
