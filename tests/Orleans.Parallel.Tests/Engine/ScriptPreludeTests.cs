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

        Assert.Contains("@x5 =", compiled.Prelude.Code);
        Assert.Contains("@x1999 =", compiled.Prelude.Code);
        Assert.DoesNotContain("@x6 =", compiled.Prelude.Code);
        Assert.Equal(2, compiled.Prelude.Code.Split('\n').Count(line => line.StartsWith("var @", StringComparison.Ordinal)));
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
}
