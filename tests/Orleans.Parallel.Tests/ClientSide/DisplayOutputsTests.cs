using Orleans.Parallel.Engine;
using Orleans.Parallel.Results;
using TaskStatus = Orleans.Parallel.Engine.TaskStatus;

namespace Orleans.Parallel.Tests.ClientSide;

/// <summary>
/// DisplayOutputs labels each task's output by engine as ipyparallel's display_outputs does:
/// <c>[stdout:0]</c> on its own line before the text, repeated labels left out, one task unlabelled.
/// </summary>
public sealed class DisplayOutputsTests
{
    private static PendingMessage Done(int engine, string stdout, string stderr = "")
    {
        var m = new PendingMessage(Guid.NewGuid(), engine, DateTime.UtcNow);
        m.Complete(new TaskReply(m.MsgId, engine, TaskStatus.Ok, null, null, DateTime.UtcNow, DateTime.UtcNow, stdout, stderr, null));
        return m;
    }

    private static AsyncResult Result(bool scalar, params PendingMessage[] messages) => new(null!, messages, scalar);

    private static (string Out, string Err) Display(AsyncResult ar, OutputGrouping groupBy = OutputGrouping.Type)
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };
        ar.DisplayOutputs(stdout, stderr, groupBy);
        return (stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void ByType_AllStdoutThenAllStderr_EachLabelledByEngine()
    {
        var ar = Result(false, Done(0, "a\n"), Done(1, "b\n", "oops\n"), Done(2, "", "bad\n"));
        var (stdout, stderr) = Display(ar);

        Assert.Equal("[stdout:0]\na\n[stdout:1]\nb\n", stdout);   // engine 2 printed nothing: no label
        Assert.Equal("[stderr:1]\noops\n[stderr:2]\nbad\n", stderr);
    }

    [Fact]
    public void OneWriter_TakesBothStreams_InTheSameOrder()
    {
        var ar = Result(false, Done(0, "a\n", "e0\n"), Done(1, "b\n"));
        using var both = new StringWriter { NewLine = "\n" };
        ar.DisplayOutputs(both);
        Assert.Equal("[stdout:0]\na\n[stdout:1]\nb\n[stderr:0]\ne0\n", both.ToString());
    }

    [Fact]
    public void ByEngine_GroupsEachEnginesTasks_AndLeavesOutRepeatedLabels()
    {
        // A load-balanced result: tasks ran on engines 1, 0, 1.
        var ar = Result(false, Done(1, "x\n"), Done(0, "z\n", "warn\n"), Done(1, "y\n"));
        using var both = new StringWriter { NewLine = "\n" };
        ar.DisplayOutputs(both, groupBy: OutputGrouping.Engine);
        Assert.Equal("[stdout:1]\nx\ny\n[stdout:0]\nz\n[stderr:0]\nwarn\n", both.ToString());
    }

    [Fact]
    public void TextWithoutAFinalNewline_GetsOneBeforeTheNextLabel()
    {
        var ar = Result(false, Done(0, "no newline"), Done(1, "next\n"));
        Assert.Equal("[stdout:0]\nno newline\n[stdout:1]\nnext\n", Display(ar).Out);
    }

    [Fact]
    public void ASingleTask_PrintsItsTextWithoutLabels()
    {
        var ar = Result(true, Done(3, "hello\n", "careful\n"));
        Assert.Equal(("hello\n", "careful\n"), Display(ar));
    }

    [Fact]
    public void AOneEngineList_IsStillLabelled()
    {
        var ar = Result(false, Done(3, "hello\n"));
        Assert.Equal("[stdout:3]\nhello\n", Display(ar).Out);
    }

    [Fact]
    public void NotReady_IsRejected_SayingToWait()
    {
        var pending = new PendingMessage(Guid.NewGuid(), 0, DateTime.UtcNow);
        var error = Assert.Throws<InvalidOperationException>(() => Display(Result(false, Done(1, "a\n"), pending)));
        Assert.Contains("not ready", error.Message);
        Assert.Contains("Wait for the result first", error.Message);
    }

    [Fact]
    public void BadArguments_AreRejected_NamingThem()
    {
        var ar = Result(false, Done(0, "a\n"));
        Assert.Equal("stdout", Assert.Throws<ArgumentNullException>(() => ar.DisplayOutputs(null!)).ParamName);
        var grouping = Assert.Throws<ArgumentOutOfRangeException>(() => ar.DisplayOutputs(TextWriter.Null, null, (OutputGrouping)7));
        Assert.Equal("groupBy", grouping.ParamName);
        Assert.Contains("OutputGrouping.Type or OutputGrouping.Engine", grouping.Message);
    }
}
