using Orleans.Parallel.Engine;
using Orleans.Parallel.Results;
using Orleans.Parallel.Results.Watching;
using TaskStatus = Orleans.Parallel.Engine.TaskStatus;

namespace Orleans.Parallel.Tests.ClientSide;

/// <summary>
/// Watching a result without a cluster: its tasks are completed by hand, so each test decides what
/// happens while the watch runs. Live rendering goes to an interactive ANSI console, plain lines to
/// one that is neither; both write to memory.
/// </summary>
public sealed class WatchTests
{
    private const string Esc = "\u001b";

    private static PendingMessage Pending(int engine, (int, int)? slice = null) =>
        new(Guid.NewGuid(), engine, DateTime.UtcNow) { MapSlice = slice };

    private static void Ok(PendingMessage m, object? result = null) =>
        m.Complete(new TaskReply(m.MsgId, m.EngineId, TaskStatus.Ok, result, null, DateTime.UtcNow, DateTime.UtcNow, "", "", null));

    private static void Fail(PendingMessage m, string message, int? item = null) =>
        m.Complete(new TaskReply(m.MsgId, m.EngineId, TaskStatus.Error, null,
            new RemoteError("System.InvalidOperationException", message, "   at Somewhere()", [], item), DateTime.UtcNow, DateTime.UtcNow, "", "", null));

    private static AsyncResult Result(params PendingMessage[] messages) => new(null!, messages, scalar: false);

    private static AsyncMapResult<int> Map(params PendingMessage[] chunks) =>
        new(null!, chunks, _ => Array.Empty<int>(), ordered: true, errorsInPlace: false);

    /// <summary>Fast and without the cluster's queue status (there is no cluster); one plain line at the start unless asked.</summary>
    private static WatchOptions Options(CapturedConsole console, TimeSpan? lineInterval = null) => new()
    {
        Console = console.Console,
        RefreshInterval = TimeSpan.FromMilliseconds(20),
        LineInterval = lineInterval ?? TimeSpan.FromHours(1),
        EngineStatusInterval = null,
    };

    [Fact]
    public async Task Redirected_PrintsAPlainFirstLine_AndAFinalLine_WithoutAnsi()
    {
        var console = new CapturedConsole(interactive: false);
        var messages = new[] { Pending(0), Pending(1), Pending(2), Pending(3) };
        Ok(messages[0]);
        var ar = Result(messages);

        var watch = ar.WatchAsync(Options(console));
        await console.WaitForAsync("progress: 1/4 tasks (25%), ");
        Assert.False(watch.IsCompleted);
        foreach (var m in messages.Skip(1)) Ok(m);
        await watch;

        var lines = console.Lines;
        Assert.StartsWith("progress: 1/4 tasks (25%), ", lines[0]);
        Assert.Contains("ETA ", lines[0]);
        Assert.StartsWith("finished: 4/4 tasks (100%), ", lines[^1]);
        Assert.DoesNotContain("ETA", lines[^1]);
        Assert.Equal(2, lines.Length); // the line interval (an hour) never came round
        Assert.DoesNotContain(Esc, console.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redirected_PrintsALineEveryInterval()
    {
        var console = new CapturedConsole(interactive: false);
        var pending = Pending(0);
        var watch = Result(pending).WatchAsync(Options(console, lineInterval: TimeSpan.FromMilliseconds(100)));

        await console.WaitForAsync("progress: 0/1 tasks (0%)");
        await Task.Delay(600);
        Ok(pending);
        await watch;

        Assert.True(console.Lines.Count(l => l.StartsWith("progress: 0/1 tasks (0%), ", StringComparison.Ordinal)) >= 2, console.Text);
        Assert.StartsWith("finished: 1/1 tasks (100%)", console.Lines[^1]);
    }

    [Fact]
    public async Task Interactive_DrawsALiveBar_WithAnsi_EndingAtTheTotal()
    {
        var console = new CapturedConsole(interactive: true);
        var messages = new[] { Pending(0), Pending(1) };
        var watch = Result(messages).WaitInteractiveAsync(Options(console));

        await console.WaitForAsync("0/2 tasks (0%)");
        Ok(messages[0]);
        await console.WaitForAsync("1/2 tasks (50%)");
        Ok(messages[1]);
        await watch;

        var text = console.Text;
        Assert.Contains("2/2 tasks (100%)", text);
        Assert.Contains(Esc + "[", text, StringComparison.Ordinal); // colours and cursor moves: a live display
        Assert.Contains("━", text);                  // Spectre's bar
        Assert.DoesNotContain("progress: ", text);   // not the plain lines
    }

    [Fact]
    public async Task Redirected_AFailedTask_IsPrintedAsItHappens_WithEngineAndFirstLine()
    {
        var console = new CapturedConsole(interactive: false);
        var messages = new[] { Pending(0), Pending(1), Pending(2) };
        var ar = Result(messages);
        var watch = ar.WatchAsync(Options(console));

        Fail(messages[1], "boom\nsecond line of the message");
        await console.WaitForAsync("failed: [engine 1] System.InvalidOperationException: boom");
        Assert.False(ar.Ready);
        Assert.False(watch.IsCompleted);

        Ok(messages[0]);
        Ok(messages[2]);
        await watch;
        Assert.DoesNotContain("second line", console.Text);
        Assert.EndsWith(", 1 failed", console.Lines[^1]);
        Assert.StartsWith("finished: 3/3 tasks", console.Lines[^1]);
    }

    [Fact]
    public void TheDefaultConsole_WithStandardOutputRedirected_GetsPlainLines()
    {
        Assert.True(Console.IsOutputRedirected, "the test host's standard output is a pipe"); // the premise of this test
        Assert.IsType<PlainProgressView>(ResultWatcher.ViewFor(new WatchOptions()));
        Assert.IsType<LiveProgressView>(ResultWatcher.ViewFor(new WatchOptions { Console = new CapturedConsole(interactive: true).Console }));
        Assert.IsType<PlainProgressView>(ResultWatcher.ViewFor(new WatchOptions { Console = new CapturedConsole(interactive: false).Console }));
    }

    [Fact]
    public async Task Interactive_AFailedTask_IsWrittenAboveTheBar_AsItHappens()
    {
        var console = new CapturedConsole(interactive: true);
        var messages = new[] { Pending(0), Pending(3) };
        var ar = Result(messages);
        var watch = ar.WatchAsync(Options(console));

        Fail(messages[1], "boom");
        await console.WaitForAsync("[engine 3] System.InvalidOperationException: boom");
        Assert.False(ar.Ready);
        Assert.Contains("✗", console.Text);

        Ok(messages[0]);
        await watch;
        Assert.Contains("1 failed", console.Text);
    }

    [Fact]
    public async Task Map_CountsItemsNotMessages()
    {
        var console = new CapturedConsole(interactive: false);
        var chunks = new[] { Pending(0, (0, 5)), Pending(1, (5, 3)) };
        Ok(chunks[0]);
        var watch = Map(chunks).WatchAsync(Options(console));

        await console.WaitForAsync("progress: 5/8 items (62%), ");
        Ok(chunks[1]);
        await watch;
        Assert.StartsWith("finished: 8/8 items (100%), ", console.Lines[^1]);
        Assert.Contains(" items/s", console.Lines[^1]);
    }

    [Fact]
    public async Task MapWithErrorsInPlace_ShowsEachFailedItem_ByItsInputIndex()
    {
        var console = new CapturedConsole(interactive: false);
        var chunk = Pending(2, (4, 3));
        var ar = new AsyncMapResult<MapItem<int>>(null!, [chunk], MapItemReader.Of<int>, ordered: true, errorsInPlace: true);
        var watch = ar.WatchAsync(Options(console));

        var failed = new MapItemError[] { new(1, new RemoteError("System.ArgumentException", "bad item", "", [])) };
        Ok(chunk, new object?[] { new[] { 1, 0, 3 }, failed });
        await watch;

        Assert.Contains("failed: [engine 2] map item 5: System.ArgumentException: bad item", console.Lines);
        Assert.StartsWith("finished: 3/3 items (100%)", console.Lines[^1]);
        Assert.EndsWith(", 1 failed", console.Lines[^1]);
    }

    [Fact]
    public async Task MapChunkThatFailedAsAWhole_CountsAllItsItemsFailed_OnOneLine()
    {
        var console = new CapturedConsole(interactive: false);
        var chunks = new[] { Pending(1, (0, 4)), Pending(0, (4, 2)) };
        Fail(chunks[0], "whole chunk");
        Ok(chunks[1]);
        await Map(chunks).WatchAsync(Options(console));

        Assert.Equal(["failed: [engine 1] map items 0..3: System.InvalidOperationException: whole chunk"],
            console.Lines.Where(l => l.StartsWith("failed:", StringComparison.Ordinal)));
        Assert.EndsWith(", 4 failed", console.Lines[^1]);
    }

    [Fact]
    public async Task FailuresPastTheLineLimit_AreCounted_NotPrinted()
    {
        var console = new CapturedConsole(interactive: false);
        var messages = Enumerable.Range(0, 5).Select(i => Pending(i)).ToArray();
        foreach (var m in messages) Fail(m, "same again");
        var options = Options(console);
        options.MaxFailureLines = 2;
        await Result(messages).WatchAsync(options);

        Assert.Equal(2, console.Lines.Count(l => l.StartsWith("failed: [engine", StringComparison.Ordinal)));
        Assert.Single(console.Lines, l => l.Contains("more failures are counted, not shown (the first 2 are above)", StringComparison.Ordinal));
        Assert.EndsWith(", 5 failed", console.Lines[^1]);
    }

    [Fact]
    public async Task AReadyResult_PrintsOnlyTheFinalLine()
    {
        var console = new CapturedConsole(interactive: false);
        var messages = new[] { Pending(0), Pending(1) };
        foreach (var m in messages) Ok(m);
        await Result(messages).WatchAsync(Options(console));

        Assert.Single(console.Lines);
        Assert.StartsWith("finished: 2/2 tasks (100%), ", console.Lines[0]);
    }

    [Fact]
    public async Task AnEmptyResult_IsFinishedAtOnce()
    {
        var console = new CapturedConsole(interactive: false);
        await Result().WatchAsync(Options(console));
        Assert.StartsWith("finished: 0/0 tasks (100%), 0.0 tasks/s, elapsed 0:00:00", Assert.Single(console.Lines));
    }

    [Fact]
    public async Task CancellingTheWatch_StopsWatching_AndLeavesTheTasksRunning()
    {
        var console = new CapturedConsole(interactive: false);
        var pending = Pending(0);
        var ar = Result(pending);
        using var cancel = new CancellationTokenSource();
        var watch = ar.WatchAsync(Options(console), cancel.Token);
        await console.WaitForAsync("progress: 0/1 tasks");

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watch);
        Assert.False(ar.Ready);
        Assert.StartsWith("stopped watching: 0/1 tasks (0%)", console.Lines[^1]);
        Assert.EndsWith("; the tasks keep running.", console.Lines[^1]);

        Ok(pending); // the task was never touched: it ends as it would have
        Assert.True(ar.Ready);
        Assert.True(ar.Successful);
    }

    public static TheoryData<Action<WatchOptions>, string> BadOptions => new()
    {
        { o => o.RefreshInterval = TimeSpan.Zero, nameof(WatchOptions.RefreshInterval) },
        { o => o.LineInterval = TimeSpan.FromSeconds(-1), nameof(WatchOptions.LineInterval) },
        { o => o.LineInterval = Timeout.InfiniteTimeSpan, nameof(WatchOptions.LineInterval) },
        { o => o.EngineStatusInterval = TimeSpan.Zero, nameof(WatchOptions.EngineStatusInterval) },
        { o => o.MaxFailureLines = -1, nameof(WatchOptions.MaxFailureLines) },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public async Task BadOptions_AreRejected_NamingTheSetting(Action<WatchOptions> spoil, string setting)
    {
        var console = new CapturedConsole(interactive: false);
        var options = Options(console);
        spoil(options);
        var pending = Pending(0);

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Result(pending).WatchAsync(options));
        Assert.Equal(setting, error.ParamName);
        Assert.Contains("WatchOptions." + setting, error.Message);
        Assert.Empty(console.Text); // rejected before anything was shown

        var stream = Assert.Throws<ArgumentOutOfRangeException>(() => StreamWatchTests.Items(1, 2).Watch(new NoClientView(), options: options));
        Assert.Equal(setting, stream.ParamName);
    }
}
