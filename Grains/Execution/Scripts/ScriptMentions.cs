using System.Collections.Concurrent;
using System.Collections.Frozen;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Orleans.Parallel.Grains.Execution.Scripts;

/// <summary>
/// The identifiers a script's text contains (<c>@name</c> counts as <c>name</c>): a namespace
/// variable the code does not name cannot be read or written by it, so its prelude leaves it out.
/// </summary>
internal static class ScriptMentions
{
    private const int CacheLimit = 256;
    private static readonly CSharpParseOptions Script = CSharpParseOptions.Default.WithKind(SourceCodeKind.Script);
    private static readonly ConcurrentDictionary<string, FrozenSet<string>> Cache = new(StringComparer.Ordinal);

    public static FrozenSet<string> Of(string code)
    {
        if (Cache.TryGetValue(code, out var known)) return known;
        if (Cache.Count >= CacheLimit) Cache.Clear();
        var names = CSharpSyntaxTree.ParseText(code, Script).GetRoot()
            .DescendantTokens(descendIntoTrivia: false)
            .Where(t => t.IsKind(SyntaxKind.IdentifierToken))
            .Select(t => t.ValueText)
            .ToFrozenSet(StringComparer.Ordinal);
        return Cache.GetOrAdd(code, names);
    }
}
