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
    public object? Run(ScriptImage image, Microsoft.CodeAnalysis.Scripting.Script<object> script, ScriptGlobals globals, ExecuteClock clock)
    {
        var factory = image.Factory(context.Add(image));
        clock.Lap(ExecuteClock.Phase.Load);
        var submissions = new object[_submissions.Count + 2];
        submissions[0] = globals;
        _submissions.CopyTo(submissions, 1);
        var result = factory(submissions).GetAwaiter().GetResult();
        clock.Lap(ExecuteClock.Phase.Run);
        _submissions.Add(submissions[^1]);
        Last = script;
        return result;
    }

    /// <summary>The script variables in declaration order (a later declaration of a name comes after an earlier one).</summary>
    public IEnumerable<(string Name, object? Value)> Variables => VariablesOf(_submissions);

    /// <summary>
    /// The variables <paramref name="submissions"/> declared, in declaration order; a template's placeholder
    /// (<c>__ns_t{k}</c>) under its real name, <paramref name="renamed"/>[k].
    /// </summary>
    public static IEnumerable<(string Name, object? Value)> VariablesOf(IEnumerable<object> submissions, IReadOnlyList<string>? renamed = null) =>
        submissions.SelectMany(s => s.GetType().GetFields(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Select(f => (Name: RealName(f.Name, renamed), Field: f))
            .Where(v => v.Name.Length > 0 && (char.IsLetter(v.Name[0]) || v.Name[0] == '_') && !v.Name.StartsWith("__ns", StringComparison.Ordinal))
            .Select(v => (v.Name, v.Field.GetValue(s))));

    private static string RealName(string field, IReadOnlyList<string>? renamed) =>
        renamed is not null && field.StartsWith(ScriptTemplate.DeclaredPrefix, StringComparison.Ordinal)
            && int.TryParse(field.AsSpan(ScriptTemplate.DeclaredPrefix.Length), out var k) && k < renamed.Count
            ? renamed[k]
            : field;

    public void Dispose() => context.Unload();
}
