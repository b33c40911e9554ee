using Orleans.Parallel.Grains.Execution.Scripts;

namespace Orleans.Parallel.Tests.Engine;

/// <summary>
/// What a script compiles against: its prelude declares the namespace variables the code names, not
/// the whole namespace, so a script costs the same at the 2,000th variable of a session as at the
/// tenth, and one script over namespaces that differ elsewhere is compiled once.
/// </summary>
public sealed class ScriptPreludeTests
{
    private static Dictionary<string, object?> Namespace(int variables)
    {
        var ns = new Dictionary<string, object?>();
        for (var i = 0; i < variables; i++) ns[$"x{i}"] = i;
        return ns;
    }

    [Fact]
    public void Prelude_OfALargeNamespace_DeclaresOnlyTheVariablesTheCodeNames()
    {
        var compiled = new ScriptCompiler().Compile(Namespace(2000), "var y = x5 + x1999;");

        Assert.Contains("@x5 =", compiled.Source);
        Assert.Contains("@x1999 =", compiled.Source);
        Assert.DoesNotContain("@x6 =", compiled.Source);
        Assert.Equal(2, compiled.Source.Split('\n').Count(line => line.StartsWith("var @", StringComparison.Ordinal)));
    }

    [Fact]
    public void SameScript_OverNamespacesThatDifferInVariablesItDoesNotName_IsCompiledOnce()
    {
        var compiler = new ScriptCompiler();
        var small = Namespace(3);
        var large = Namespace(50);
        large["other"] = "text";

        Assert.Same(compiler.Compile(small, "var y = x1 * 2;"), compiler.Compile(large, "var y = x1 * 2;"));
    }

    /// <summary>Runs a compiled script over <paramref name="ns"/> as an engine does, giving the variables it declared.</summary>
    private static Dictionary<string, object?> Run(ScriptCompiler.CompiledScript compiled, Dictionary<string, object?> ns)
    {
        var loaded = new LoadedScript(compiled, System.Runtime.Loader.AssemblyLoadContext.Default);
        try
        {
            var (_, submissions) = loaded.Run(new ScriptGlobals(ns));
            return ScriptChain.VariablesOf(submissions).GroupBy(v => v.Name).ToDictionary(g => g.Key, g => g.Last().Value);
        }
        finally
        {
            loaded.Context.Unload();
        }
    }

    [Fact]
    public void Script_RedeclaringAVariable_IsOneSubmission_AndSeesNoOldValue()
    {
        var ns = new Dictionary<string, object?> { ["v"] = 1, ["w"] = 10 };
        var compiled = new ScriptCompiler().Compile(ns, "var v = \"text\"; var n = v.Length + w;");

        Assert.Single(compiled.Images);
        var declared = Run(compiled, ns);
        Assert.Equal("text", declared["v"]);
        Assert.Equal(14, declared["n"]);
    }

    /// <summary>Forms the one-submission compile cannot take still work, as a prelude and a submission of their own.</summary>
    [Theory]
    [InlineData("using System.Numerics; var big = new BigInteger(v) * 2;", "big", "2")]
    [InlineData("int.TryParse(\"41\", out var v); var big = v + 1;", "big", "42")]
    [InlineData("var big = v switch { 1 => \"one\", _ => \"other\" };", "big", "one")]
    public void ScriptsThatCannotJoinThePrelude_RunAsTwoSubmissions(string code, string name, string expected)
    {
        var ns = new Dictionary<string, object?> { ["v"] = 1 };
        var declared = Run(new ScriptCompiler().Compile(ns, code), ns);
        Assert.Equal(expected, declared[name]!.ToString());
    }
}
