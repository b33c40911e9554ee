using System.Reflection;

namespace Orleans.Parallel.Grains.Execution.Scripts;

/// <summary>
/// An engine's running script submissions: their loaded assemblies (in one collectible
/// <see cref="ScriptLoadContext"/>) and their instances, which hold the script's variables. A
/// chain normally lives for one Execute; it is kept only while the namespace holds values of types
/// the chain declared, so later scripts can name them. Disposing unloads it once nothing uses it.
/// </summary>
internal sealed class ScriptChain(ScriptLoadContext context) : IDisposable
{
    private readonly List<object> _submissions = [];

    /// <summary>The script of the last submission run: what the next one continues.</summary>
    public Microsoft.CodeAnalysis.Scripting.Script<object>? Last { get; private set; }

    /// <summary>Runs the next submission (<paramref name="script"/>, compiled to <paramref name="image"/>) in the chain's position it was compiled for.</summary>
    public object? Run(ScriptImage image, Microsoft.CodeAnalysis.Scripting.Script<object> script, ScriptGlobals globals)
    {
        var factory = image.Factory(context.Add(image));
        var submissions = new object[_submissions.Count + 2];
        submissions[0] = globals;
        _submissions.CopyTo(submissions, 1);
        var result = factory(submissions).GetAwaiter().GetResult();
        _submissions.Add(submissions[^1]);
        Last = script;
        return result;
    }

    /// <summary>The script variables in declaration order (a later declaration of a name comes after an earlier one).</summary>
    public IEnumerable<(string Name, object? Value)> Variables =>
        _submissions.SelectMany(s => s.GetType().GetFields(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(f => f.Name.Length > 0 && (char.IsLetter(f.Name[0]) || f.Name[0] == '_') && !f.Name.StartsWith("__ns", StringComparison.Ordinal))
            .Select(f => (f.Name, f.GetValue(s))));

    public void Dispose() => context.Unload();
}
