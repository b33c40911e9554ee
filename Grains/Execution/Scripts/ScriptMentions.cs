using System.Collections.Concurrent;
using System.Collections.Frozen;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Orleans.Parallel.Grains.Execution.Scripts;

/// <summary>
/// What a script's text says about namespace variables, read from its syntax alone: the identifiers
/// it contains (<c>@name</c> counts as <c>name</c>), and the names it declares at its top level. Its
/// prelude declares the namespace variables it names and does not declare itself: one it does not
/// name cannot be read or written by it, and one it declares hides the namespace's for the whole
/// script, as a later submission's declaration hides an earlier one's.
/// </summary>
/// <param name="Named">Every identifier in the script.</param>
/// <param name="Declared">The names its top level declares.</param>
/// <param name="Template">The script with its literals and new variables' names taken out, when it has any that can be (<see cref="ScriptTemplate"/>).</param>
internal sealed record ScriptMentions(FrozenSet<string> Named, FrozenSet<string> Declared, ScriptTemplate? Template)
{
    private const int CacheLimit = 256;
    private static readonly CSharpParseOptions Script = CSharpParseOptions.Default.WithKind(SourceCodeKind.Script);
    private static readonly ConcurrentDictionary<string, ScriptMentions> Cache = new(StringComparer.Ordinal);

    /// <summary>Whether the prelude must declare the namespace variable <paramref name="name"/>.</summary>
    public bool Needs(string name) => Named.Contains(name) && !Declared.Contains(name);

    public static ScriptMentions Of(string code)
    {
        if (Cache.TryGetValue(code, out var known)) return known;
        if (Cache.Count >= CacheLimit) Cache.Clear();
        var root = (CompilationUnitSyntax)CSharpSyntaxTree.ParseText(code, Script).GetRoot();
        var named = root.DescendantTokens(descendIntoTrivia: false)
            .Where(t => t.IsKind(SyntaxKind.IdentifierToken))
            .Select(t => t.ValueText)
            .ToFrozenSet(StringComparer.Ordinal);
        return Cache.GetOrAdd(code, new ScriptMentions(named, root.Members.SelectMany(DeclaredBy).ToFrozenSet(StringComparer.Ordinal), ScriptTemplate.Of(root)));
    }

    /// <summary>
    /// The names a top-level member declares. Forms not read here (a pattern or <c>out</c> variable at
    /// the top level) make the one-submission compile fail, and the script compiles as two instead.
    /// </summary>
    private static IEnumerable<string> DeclaredBy(MemberDeclarationSyntax member) => member switch
    {
        GlobalStatementSyntax { Statement: LocalDeclarationStatementSyntax local } => local.Declaration.Variables.Select(v => v.Identifier.ValueText),
        GlobalStatementSyntax { Statement: LocalFunctionStatementSyntax function } => [function.Identifier.ValueText],
        FieldDeclarationSyntax field => field.Declaration.Variables.Select(v => v.Identifier.ValueText),
        EventFieldDeclarationSyntax field => field.Declaration.Variables.Select(v => v.Identifier.ValueText),
        MethodDeclarationSyntax method => [method.Identifier.ValueText],
        PropertyDeclarationSyntax property => [property.Identifier.ValueText],
        BaseTypeDeclarationSyntax type => [type.Identifier.ValueText],
        DelegateDeclarationSyntax type => [type.Identifier.ValueText],
        _ => [],
    };
}
