using System.Runtime.Loader;
using Orleans.Parallel.Grains.Execution.Scripts;

namespace Orleans.Parallel.Tests.Engine;

/// <summary>
/// Lines that differ only in literals and new variables' names share one compiled script, and a
/// templated script means exactly what its text means: same values, same types, same errors where C#
/// refuses it, and the real names in the namespace.
/// </summary>
public sealed class ScriptTemplateTests
{
    private static ScriptTemplate? TemplateOf(string code) => ScriptMentions.Of(code).Template;

    /// <summary>Prepares and runs <paramref name="code"/> as an engine does; gives the declared variables and the script's value.</summary>
    private static (Dictionary<string, object?> Declared, object? Result, ScriptCompiler.PreparedScript Prepared) Run(
        ScriptCompiler compiler, string code, Dictionary<string, object?>? ns = null)
    {
        ns ??= [];
        var prepared = compiler.Prepare(ns, code);
        var loaded = new LoadedScript(prepared.Compiled, AssemblyLoadContext.Default);
        try
        {
            var (result, submissions) = loaded.Run(new ScriptGlobals(ns, default, prepared.Literals));
            var declared = ScriptChain.VariablesOf(submissions, prepared.Renamed).GroupBy(v => v.Name).ToDictionary(g => g.Key, g => g.Last().Value);
            return (declared, result, prepared);
        }
        finally
        {
            loaded.Context.Unload();
        }
    }

    [Fact]
    public void NewVariableLines_ShareOneCompiledScript_AndKeepTheirOwnNamesAndValues()
    {
        var compiler = new ScriptCompiler();
        var first = Run(compiler, "var v1 = 1;");
        var second = Run(compiler, "var v2 = 2;");

        Assert.Same(first.Prepared.Compiled, second.Prepared.Compiled);
        Assert.Equal(1, Assert.Single(first.Declared, kv => kv.Key == "v1").Value);
        Assert.Equal(2, Assert.Single(second.Declared, kv => kv.Key == "v2").Value);
        Assert.DoesNotContain(second.Declared.Keys, k => k.StartsWith("__ns", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("var a = 5 + 1;", "var b = 7 + 30;", true)]
    [InlineData("var a = 5 + 1;", "var b = 7 * 3;", false)] // another operator: another script
    [InlineData("var s = \"x\"; var n = s.Length;", "var s = \"longer\"; var n = s.Length;", true)]
    [InlineData("var s = \"x\"; var n = s.Length;", "var t = \"x\"; var n = t.Length;", false)] // a name used twice stays
    public void LinesDifferingInLiteralsAndNewNames_ShareOneScript(string one, string other, bool shared)
    {
        var compiler = new ScriptCompiler();
        var a = Run(compiler, one);
        var b = Run(compiler, other);
        Assert.Equal(shared, ReferenceEquals(a.Prepared.Compiled, b.Prepared.Compiled));
    }

    /// <summary>Each script runs templated and, as written, through <see cref="ScriptCompiler.Compile"/>: the same variables, values and runtime types.</summary>
    [Theory]
    [InlineData("var x = 5;")]
    [InlineData("long l = 5; var m = l * 2;")]
    [InlineData("double d = 1 / 3;")]
    [InlineData("var e = 2.5f * 2;")]
    [InlineData("var m = 1.5m + 2;")]
    [InlineData("var big = 3000000000;")]
    [InlineData("var neg = -5; var bits = ~6; var shifted = 1 << 40;")]
    [InlineData("var c = 'a' + 1; var ch = 'z';")]
    [InlineData("var s = \"a\" + 1 + 'b'; var v = @\"C:\\x\";")]
    [InlineData("var arr = new[] { 1, 2.5 }; var ints = new int[] { 3, 4 }; var sum = ints.Sum();")]
    [InlineData("object o = 7; var t = o.GetType().Name;")]
    [InlineData("int? n = 9; var k = n.Value;")]
    [InlineData("var x = 0; var y = -2147483648; var z = -9223372036854775808;")]
    [InlineData("var w = unchecked(2147483647 + 1); var q = unchecked((byte)300);")]
    [InlineData("var u = (long)2147483647 + 1; var f = (float)16777217;")]
    [InlineData("var x = 1; x = 4; var y = x;")]
    public void TemplatedScript_MeansWhatItsTextMeans(string code)
    {
        var templated = Run(new ScriptCompiler(), code);
        var written = RunAsWritten(code);
        Assert.Equal(written.Keys.Order(), templated.Declared.Keys.Order());
        foreach (var (name, value) in written)
        {
            Assert.Equal(value, templated.Declared[name]);
            Assert.Equal(value?.GetType(), templated.Declared[name]?.GetType());
        }
    }

    private static Dictionary<string, object?> RunAsWritten(string code)
    {
        var loaded = new LoadedScript(new ScriptCompiler().Compile(new Dictionary<string, object?>(), code), AssemblyLoadContext.Default);
        try
        {
            var (_, submissions) = loaded.Run(new ScriptGlobals(new Dictionary<string, object?>()));
            return ScriptChain.VariablesOf(submissions).GroupBy(v => v.Name).ToDictionary(g => g.Key, g => g.Last().Value);
        }
        finally
        {
            loaded.Context.Unload();
        }
    }

    [Fact]
    public void StringLiterals_StayInterned_AsLiteralsAre()
    {
        var (declared, _, prepared) = Run(new ScriptCompiler(), "var s = \"interned text\";");
        Assert.NotNull(prepared.Literals);
        Assert.Same(string.Intern("interned text"), declared["s"]);
    }

    /// <summary>Where C# needs the constant, the template does not compile and the code runs as written (remembered for the next time).</summary>
    [Theory]
    [InlineData("byte b = 5;", "b", (byte)5, true)]
    [InlineData("short s = 3; s += 2;", "s", (short)5, true)]
    [InlineData("long[] l = { 3, 4 }; var n = l[1];", "n", 4L, false)]
    [InlineData("var r = 2 switch { 2 => \"two\", _ => \"other\" };", "r", "two", false)]
    [InlineData("const int k = 5; var twice = k * 2;", "twice", 10, false)]
    [InlineData("var x = 5; switch (x) { case 5: x = 50; break; }", "x", 50, false)]
    public void PlacesNeedingConstants_RunAsWritten(string code, string name, object expected, bool asWritten)
    {
        var compiler = new ScriptCompiler();
        var first = Run(compiler, code);
        Assert.Equal(expected, first.Declared[name]);
        Assert.Equal(asWritten, first.Prepared.Literals is null);
        var again = Run(compiler, code);
        Assert.Equal(expected, again.Declared[name]);
        Assert.Same(first.Prepared.Compiled, again.Prepared.Compiled);
    }

    [Theory]
    [InlineData("class C { } var c = new C();", true)]
    [InlineData("var p = new { a = 1 };", true)]
    [InlineData("int Twice(int v) => v * 2; var t = Twice(4);", true)]
    [InlineData("var x = ;", true)] // a syntax error: compiled as written, to report it
    [InlineData("Console.WriteLine(5);", true)] // an argument: overloads are chosen by it
    [InlineData("var f = () => 5;", false)] // a literal inside a lambda (which could be an expression tree) stays
    [InlineData("var y = x * 3;", false)] // mixed with a variable: a constant folding we cannot see
    [InlineData("var w = unchecked(2147483647 + 1);", false)]
    public void NothingSafelyTakenOut_NoLiteralLifted(string code, bool noTemplate)
    {
        var template = TemplateOf(code);
        if (noTemplate) Assert.Null(template);
        else Assert.Empty(Assert.IsType<ScriptTemplate>(template).Literals);
    }

    [Fact]
    public void OverflowCSharpRefusesToCompile_FailsWhenItRuns_InsteadOfWrapping()
    {
        // As written, C# refuses this constant (CS0220); templated, the sum runs checked.
        Assert.Throws<ScriptCompilationException>(() => RunAsWritten("var x = 2147483647 + 1;"));
        var error = Assert.ThrowsAny<Exception>(() => Run(new ScriptCompiler(), "var x = 2147483647 + 1;"));
        Assert.IsType<OverflowException>(error.GetBaseException());
    }

    [Fact]
    public void ErrorInATemplatableLine_ReportsTheLineAsWritten()
    {
        var error = Assert.Throws<ScriptCompilationException>(() => new ScriptCompiler().Prepare(new Dictionary<string, object?>(), "var a = 1;\nvar b = \"x\" + nope;"));
        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal((2, 15), (diagnostic.Line, diagnostic.Column));
        Assert.Contains("nope", diagnostic.Message);
        Assert.DoesNotContain("__ns", error.Message);
    }
}
