using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Orleans.Parallel.Grains.Execution.Scripts;

/// <summary>
/// A script with its literal values and the names of its new top-level variables taken out, so that
/// lines differing only in those share one compiled script: <c>var x7 = 7;</c> after <c>var x6 = 6;</c>,
/// a cell run again with another number, <c>%px</c>-style lines in a loop. Each value becomes a read of
/// <see cref="ScriptGlobals.__ns_lit__"/>, each name a placeholder that <see cref="ScriptChain.VariablesOf"/>
/// maps back. Compiling a new line then costs a parse and a lookup instead of a Roslyn compile,
/// a load and a JIT (about 10 ms on a 2-core machine).
/// <para>
/// Only where the value cannot change what the code means, judged from syntax alone:
/// <list type="bullet">
/// <item>a literal (or an arithmetic of literals only) that initialises a variable, is assigned, or is an
/// array element: places where C# converts a constant and a variable of its type alike, and does not
/// choose an overload by it;</item>
/// <item>never an integer zero (it converts to any enum), nor <c>-2147483648</c>-style literals (typed by
/// their sign);</item>
/// <item>an arithmetic of literals runs <c>checked</c> (or <c>unchecked</c> where the code says so): an
/// overflow C# would refuse to compile fails when it runs instead of wrapping around.</item>
/// </list>
/// A place that needs a constant (<c>const</c>, <c>case</c>, an attribute, <c>byte b = 5;</c>) makes the
/// template fail to compile, and the script then compiles as written (<see cref="ScriptCompiler"/>
/// remembers such templates). Scripts that declare types, local functions or anonymous objects are not
/// templated: values of their types keep the script's own names in a chain.
/// </para>
/// </summary>
/// <param name="Text">The script with placeholders.</param>
/// <param name="Literals">The values the placeholders read, in order.</param>
/// <param name="Declared">The real names of the renamed variables: <c>__ns_t{k}</c> is <c>Declared[k]</c>.</param>
internal sealed record ScriptTemplate(string Text, object[] Literals, string[] Declared)
{
    /// <summary>Prefix of a renamed variable's placeholder.</summary>
    public const string DeclaredPrefix = "__ns_t";

    /// <summary>The template of <paramref name="root"/>, or null when nothing can be taken out (or nothing safely).</summary>
    public static ScriptTemplate? Of(CompilationUnitSyntax root)
    {
        // A script's top-level variables parse as fields; statements as global statements.
        if (root.ContainsDiagnostics || !root.Members.All(m => m is GlobalStatementSyntax or FieldDeclarationSyntax) || DeclaresTypes(root)) return null;
        var edits = new List<(int Position, int Order, int Remove, string Insert)>();
        var literals = new List<object>();
        var declared = new List<string>();

        foreach (var tree in LiftableTrees(root))
        {
            var leaves = Leaves(tree).ToArray();
            if (!leaves.All(Liftable) || IsSignedMinimum(tree)) continue;
            var wrapped = tree is not LiteralExpressionSyntax;
            if (wrapped) edits.Add((tree.SpanStart, 0, 0, (InUnchecked(tree) ? "unchecked" : "checked") + "("));
            foreach (var leaf in leaves)
            {
                var value = leaf.Token.Value!;
                if (value is string text) value = string.Intern(text); // as a literal is: reference-equal to the same text elsewhere
                edits.Add((leaf.SpanStart, 1, leaf.Span.Length, $"(({Keyword(value)})__ns_lit__[{literals.Count}])"));
                literals.Add(value);
            }
            if (wrapped) edits.Add((tree.Span.End, 2, 0, ")"));
        }

        // A top-level variable named nowhere else in the script: its name only decides where its value goes.
        var identifiers = root.DescendantTokens().Where(t => t.IsKind(SyntaxKind.IdentifierToken)).GroupBy(t => t.ValueText)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        foreach (var member in root.Members)
        {
            var declaration = member switch
            {
                FieldDeclarationSyntax { Modifiers.Count: 0 } field => field.Declaration,
                GlobalStatementSyntax { Statement: LocalDeclarationStatementSyntax { Modifiers.Count: 0 } local }
                    when local.UsingKeyword.IsKind(SyntaxKind.None) && local.AwaitKeyword.IsKind(SyntaxKind.None) => local.Declaration,
                _ => null,
            };
            if (declaration is null) continue;
            foreach (var variable in declaration.Variables)
            {
                if (identifiers[variable.Identifier.ValueText] != 1) continue;
                edits.Add((variable.Identifier.SpanStart, 1, variable.Identifier.Span.Length, DeclaredPrefix + declared.Count));
                declared.Add(variable.Identifier.ValueText);
            }
        }
        if (edits.Count == 0) return null;

        var code = root.ToFullString();
        var result = new StringBuilder(code.Length + edits.Count * 24);
        var at = 0;
        foreach (var (position, _, remove, insert) in edits.OrderBy(e => e.Position).ThenBy(e => e.Order))
        {
            result.Append(code, at, position - at).Append(insert);
            at = position + remove;
        }
        result.Append(code, at, code.Length - at);
        return new ScriptTemplate(result.ToString(), [.. literals], [.. declared]);
    }

    /// <summary>Declarations whose values would carry script-made types (kept in a chain under their own names).</summary>
    private static bool DeclaresTypes(CompilationUnitSyntax root) => root.DescendantNodes().Any(n =>
        n is BaseTypeDeclarationSyntax or DelegateDeclarationSyntax or LocalFunctionStatementSyntax or AnonymousObjectCreationExpressionSyntax);

    /// <summary>The largest literal-rooted expressions (a literal, or operators and casts over literals) in a place that may be lifted.</summary>
    private static IEnumerable<ExpressionSyntax> LiftableTrees(CompilationUnitSyntax root)
    {
        var seen = new HashSet<ExpressionSyntax>();
        foreach (var literal in root.DescendantNodes().OfType<LiteralExpressionSyntax>())
        {
            ExpressionSyntax tree = literal;
            while (tree.Parent is ExpressionSyntax parent && IsConstantOperator(parent, tree)) tree = parent;
            // Not inside a lambda: one converted to an expression tree shows a constant as a constant.
            if (AllowedPlace(tree) && !tree.Ancestors().Any(a => a is AnonymousFunctionExpressionSyntax) && seen.Add(tree)) yield return tree;
        }
    }

    /// <summary>Whether <paramref name="parent"/> folds <paramref name="child"/> into a constant when it is one.</summary>
    private static bool IsConstantOperator(ExpressionSyntax parent, ExpressionSyntax child) => parent switch
    {
        ParenthesizedExpressionSyntax => true,
        PrefixUnaryExpressionSyntax u => u.Kind() is SyntaxKind.UnaryMinusExpression or SyntaxKind.UnaryPlusExpression or SyntaxKind.BitwiseNotExpression,
        BinaryExpressionSyntax b => b.Kind() is SyntaxKind.AddExpression or SyntaxKind.SubtractExpression or SyntaxKind.MultiplyExpression
            or SyntaxKind.DivideExpression or SyntaxKind.ModuloExpression or SyntaxKind.LeftShiftExpression or SyntaxKind.RightShiftExpression
            or SyntaxKind.UnsignedRightShiftExpression or SyntaxKind.BitwiseAndExpression or SyntaxKind.BitwiseOrExpression or SyntaxKind.ExclusiveOrExpression,
        CastExpressionSyntax c => c.Expression == child,
        _ => false,
    };

    /// <summary>Where C# treats a constant and a variable of its type alike: no overload chosen by it, no constant required.</summary>
    private static bool AllowedPlace(ExpressionSyntax tree) => tree.Parent switch
    {
        EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Parent: var declaration } } } =>
            declaration is LocalDeclarationStatementSyntax { IsConst: false } or FieldDeclarationSyntax { Modifiers.Count: 0 },
        AssignmentExpressionSyntax assignment => assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) && assignment.Right == tree,
        InitializerExpressionSyntax initializer => initializer.IsKind(SyntaxKind.ArrayInitializerExpression),
        _ => false,
    };

    /// <summary>The operands at the bottom of <paramref name="tree"/>; all must be literals for it to be lifted.</summary>
    private static IEnumerable<LiteralExpressionSyntax> Leaves(ExpressionSyntax tree)
    {
        switch (tree)
        {
            case LiteralExpressionSyntax literal:
                yield return literal;
                break;
            case ParenthesizedExpressionSyntax p:
                foreach (var leaf in Leaves(p.Expression)) yield return leaf;
                break;
            case PrefixUnaryExpressionSyntax u:
                foreach (var leaf in Leaves(u.Operand)) yield return leaf;
                break;
            case BinaryExpressionSyntax b:
                foreach (var leaf in Leaves(b.Left)) yield return leaf;
                foreach (var leaf in Leaves(b.Right)) yield return leaf;
                break;
            case CastExpressionSyntax c:
                foreach (var leaf in Leaves(c.Expression)) yield return leaf;
                break;
            default:
                yield return NotALiteral; // an identifier or a call: the whole may be no constant, or a constant whose folding we cannot see
                break;
        }
    }

    private static readonly LiteralExpressionSyntax NotALiteral = SyntaxFactory.LiteralExpression(SyntaxKind.NullLiteralExpression);

    /// <summary>Numbers other than integer zero, characters, and strings (not UTF-8 ones).</summary>
    private static bool Liftable(LiteralExpressionSyntax literal) => literal.Token.Value switch
    {
        int or uint or long or ulong => Convert.ToDecimal(literal.Token.Value) != 0,
        double or float or decimal or char or string => literal.Token.Kind() is not SyntaxKind.Utf8StringLiteralToken
            and not SyntaxKind.Utf8SingleLineRawStringLiteralToken and not SyntaxKind.Utf8MultiLineRawStringLiteralToken,
        _ => false,
    };

    /// <summary><c>-2147483648</c> and <c>-9223372036854775808</c>: C# types these by the minus sign before the literal.</summary>
    private static bool IsSignedMinimum(ExpressionSyntax tree) => tree.DescendantNodesAndSelf().OfType<PrefixUnaryExpressionSyntax>()
        .Any(u => u.IsKind(SyntaxKind.UnaryMinusExpression) && u.Operand is LiteralExpressionSyntax { Token.Value: uint or ulong });

    /// <summary>Whether the code puts <paramref name="node"/> in an unchecked context (the nearest checked/unchecked around it decides).</summary>
    private static bool InUnchecked(SyntaxNode node)
    {
        foreach (var ancestor in node.Ancestors())
        {
            if (ancestor is CheckedExpressionSyntax expression) return expression.IsKind(SyntaxKind.UncheckedExpression);
            if (ancestor is CheckedStatementSyntax statement) return statement.IsKind(SyntaxKind.UncheckedStatement);
        }
        return false;
    }

    private static string Keyword(object value) => value switch
    {
        int => "int",
        uint => "uint",
        long => "long",
        ulong => "ulong",
        double => "double",
        float => "float",
        decimal => "decimal",
        char => "char",
        _ => "string",
    };
}
