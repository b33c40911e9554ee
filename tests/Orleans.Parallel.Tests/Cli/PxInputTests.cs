using Orleans.Parallel.Cli.Prompt;
using Orleans.Parallel.Engine;
using Orleans.Parallel.Errors;
using Orleans.Parallel.Results;
using TaskStatus = Orleans.Parallel.Engine.TaskStatus;

namespace Orleans.Parallel.Tests.Cli;

/// <summary>The prompt's logic without a terminal: when a block is complete, commands, targets, editing and what a result shows.</summary>
public sealed class PxInputTests
{
    [Theory]
    [InlineData("var a = 5;")]
    [InlineData("a * 2")]
    [InlineData("for (var i = 0; i < 3; i++) { Console.WriteLine(i); }")]
    [InlineData("if (a > 1)\n{\n  a++;\n}")]
    [InlineData("")]
    [InlineData("var s = \"}\";")]
    public void BlockCompleteness_ClosedCode_IsComplete(string code) => Assert.True(BlockCompleteness.IsComplete(code));

    [Theory]
    [InlineData("for (var i = 0; i < 3; i++) {")]
    [InlineData("if (a > 1)\n{\n  a++;")]
    [InlineData("var xs = new[] {\n 1, 2,")]
    [InlineData("Console.WriteLine(")]
    [InlineData("var s = \"\"\"\nraw")]
    [InlineData("/* a comment")]
    public void BlockCompleteness_OpenCode_IsIncomplete(string code) => Assert.False(BlockCompleteness.IsComplete(code));

    [Fact]
    public void MagicCommand_Parse_SplitsNameAndArgument()
    {
        Assert.Equal(new MagicCommand("targets", "0,2"), MagicCommand.Parse("  %TARGETS   0,2 "));
        Assert.Equal(new MagicCommand("who", ""), MagicCommand.Parse("%who"));
        Assert.Equal(["a", "b", "c"], MagicCommand.Parse("%push a, b c")!.Names);
        Assert.Null(MagicCommand.Parse("var a = 5 % 2;"));
    }

    [Fact]
    public void TargetSelection_Parse_ReadsAllListsAndRanges()
    {
        Assert.True(TargetSelection.Parse("all").IsAll);
        Assert.Equal([0, 2], TargetSelection.Parse("0,2").Ids);
        Assert.Equal([1, 2, 3, 5], TargetSelection.Parse("1-3 5").Ids);
        Assert.Equal("0,2", TargetSelection.Parse("0, 2").ToString());
        Assert.Throws<FormatException>(() => TargetSelection.Parse("0,x"));
        Assert.Throws<FormatException>(() => TargetSelection.Parse("-1"));
    }

    [Fact]
    public void LineBuffer_Editing_MovesAndCuts()
    {
        var line = new LineBuffer();
        line.Insert("var a;");
        line.Move(-1);
        line.Insert(" = 5");
        Assert.Equal("var a = 5;", line.Text);
        line.MoveTo(0);
        line.Delete();
        line.Backspace();
        Assert.Equal("ar a = 5;", line.Text);
        line.MoveTo(3);
        line.CutAfter();
        Assert.Equal("ar ", line.Text);
        line.CutBefore();
        Assert.Equal("", line.Text);
        Assert.Equal(0, line.Cursor);
    }

    [Fact]
    public void ResultLines_PerEngine_ShowOutputThenValueOrErrorWithLineAndColumn()
    {
        var compile = new RemoteException(1, Guid.NewGuid(), new RemoteError("Microsoft.CodeAnalysis.Scripting.CompilationErrorException", "CS0103",
            "", [new CompilerDiagnostic("CS0103", "Error", 2, 7, "The name 'x' does not exist in the current context")]));
        var tasks = new[] { Task(0, "hi\n", "", null, "10"), Task(1, "", "warn\n", compile, null), Task(2, "", "", new TaskAbortedException(2, Guid.NewGuid(), whileRunning: true), null) };

        var lines = ResultLines.For(tasks).Select(l => $"{l.Label} {l.Text}").ToArray();

        Assert.Equal([
            "[stdout:0] hi",
            "[engine 0] Out: 10",
            "[stderr:1] warn",
            "[engine 1] error CS0103 at line 2, column 7: The name 'x' does not exist in the current context",
            "[engine 2] aborted while it ran",
        ], lines);
    }

    [Fact]
    public void ValueText_Format_WritesValuesAsCSharp()
    {
        Assert.Equal("[1, 2, 3]", ValueText.Format(new[] { 1, 2, 3 }));
        Assert.Equal("\"a\\\"b\"", ValueText.Format("a\"b"));
        Assert.Equal("1.5", ValueText.Format(1.5));
        Assert.Equal("null", ValueText.Format(null));
    }

    [Fact]
    public void HistoryFile_Entries_KeepBlocksWhole()
    {
        var path = Path.Combine(Path.GetTempPath(), $"px-history-{Guid.NewGuid():N}");
        try
        {
            var file = new HistoryFile(path);
            file.Append("var a = 5;");
            file.Append("if (a > 1) {\n  a++;\n}");
            File.AppendAllText(path, "torn\n");
            Assert.Equal(["var a = 5;", "if (a > 1) {\n  a++;\n}"], new HistoryFile(path).Read());
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static TaskMetadata Task(int engine, string stdout, string stderr, Exception? error, string? value) =>
        new(Guid.NewGuid(), engine, DateTime.UtcNow, null, null, null, error is null ? TaskStatus.Ok : TaskStatus.Error, stdout, stderr, error, value);
}
