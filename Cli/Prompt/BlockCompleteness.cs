using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Orleans.Parallel.Cli.Prompt;

/// <summary>
/// Whether typed C# is a whole submission or still open (a brace, bracket, parenthesis, string or
/// comment not closed yet), so the prompt asks for another line instead of sending half a block.
/// Roslyn's own rule for scripts, the one csi uses: text that cannot become valid by adding more is
/// complete too, so an error is sent and reported instead of waiting forever.
/// </summary>
internal static class BlockCompleteness
{
    private static readonly CSharpParseOptions Script = CSharpParseOptions.Default
        .WithKind(SourceCodeKind.Script).WithLanguageVersion(LanguageVersion.Latest);

    public static bool IsComplete(string text) =>
        string.IsNullOrWhiteSpace(text) || SyntaxFactory.IsCompleteSubmission(CSharpSyntaxTree.ParseText(text, Script));
}
