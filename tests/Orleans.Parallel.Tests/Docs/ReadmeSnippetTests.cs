using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Orleans.Parallel.Tests.Docs;

/// <summary>
/// Every C# block of the README compiles as shown, pasted into a new console app that references the
/// library: with the implicit usings such an app has and the <c>using</c> lines the block itself shows.
/// </summary>
public sealed partial class ReadmeSnippetTests
{
    /// <summary>What <c>dotnet new console</c> gives every file (ImplicitUsings).</summary>
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    [GeneratedRegex(@"```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    public static TheoryData<int, string> Snippets()
    {
        var data = new TheoryData<int, string>();
        var blocks = CSharpBlock().Matches(File.ReadAllText(ReadmePath())).Select(m => m.Groups[1].Value).ToArray();
        for (var i = 0; i < blocks.Length; i++) data.Add(i + 1, blocks[i]);
        return data;
    }

    [Theory]
    [MemberData(nameof(Snippets))]
    public void Snippet_CompilesAsAConsoleApp(int number, string code)
    {
        var compilation = CSharpCompilation.Create($"readme_snippet_{number}",
            [CSharpSyntaxTree.ParseText(ImplicitUsings), CSharpSyntaxTree.ParseText(code)],
            References(),
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));

        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();

        Assert.True(errors.Length == 0,
            $"README C# block {number} (\"{code.Split('\n')[0].Trim()}\") does not compile as shown:\n{string.Join("\n", errors.Select(e => e.ToString()))}");
    }

    [Fact]
    public void TheReadmeHasCSharpBlocks() => Assert.NotEmpty(Snippets());

    /// <summary>The framework, and the library as an app that references ClientLib and the silo gets it.</summary>
    private static MetadataReference[] References()
    {
        var framework = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var library = new[] { typeof(ParallelClient).Assembly, typeof(LocalCluster).Assembly }
            .SelectMany(a => a.GetReferencedAssemblies().Select(System.Reflection.Assembly.Load).Append(a))
            .Where(a => !a.IsDynamic && a.Location.Length > 0)
            .Select(a => a.Location);
        return [.. framework.Concat(library).Distinct().Select(path => MetadataReference.CreateFromFile(path))];
    }

    private static string ReadmePath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "README.md")) && File.Exists(Path.Combine(dir.FullName, "Orleans.Parallel.sln")))
                return Path.Combine(dir.FullName, "README.md");
        throw new FileNotFoundException("README.md was not found above the test assembly's folder.");
    }
}
