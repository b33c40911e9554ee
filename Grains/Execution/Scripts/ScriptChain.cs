using System.Reflection;

namespace Orleans.Parallel.Grains.Execution.Scripts;

/// <summary>
/// An engine's own script submissions, kept while the namespace holds values of types its scripts
/// declared, so later scripts can name them: it starts from a run of a shared
/// <see cref="LoadedScript"/> and continues in a collectible <see cref="ScriptLoadContext"/> of its
/// own, with the instances that hold the scripts' variables. Disposing unloads it once nothing uses it.
/// </summary>
internal sealed class ScriptChain(ScriptLoadContext context, IEnumerable<object> earlier, Microsoft.CodeAnalysis.Scripting.Script<object> last) : IDisposable
{
    private readonly List<object> _submissions = [.. earlier];

    /// <summary>The script of the last submission run: what the next one continues.</summary>
    public Microsoft.CodeAnalysis.Scripting.Script<object> Last { get; private set; } = last;

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
    public IEnumerable<(string Name, object? Value)> Variables => VariablesOf(_submissions);

    /// <summary>The variables <paramref name="submissions"/> declared, in declaration order.</summary>
    public static IEnumerable<(string Name, object? Value)> VariablesOf(IEnumerable<object> submissions) =>
        submissions.SelectMany(s => s.GetType().GetFields(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(f => f.Name.Length > 0 && (char.IsLetter(f.Name[0]) || f.Name[0] == '_') && !f.Name.StartsWith("__ns", StringComparison.Ordinal))
            .Select(f => (f.Name, f.GetValue(s))));

    public void Dispose() => context.Unload();
}
