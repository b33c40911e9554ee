using System.Text;
using Orleans.Parallel.Engine;
using Orleans.Parallel.Grains.Execution;

namespace Orleans.Parallel.Tests.Hub;

/// <summary>
/// What one task writes, as the engine captures it: a bounded tail of each stream for the reply,
/// and, live, the text waiting to be streamed as numbered chunks, with a writer that waits when
/// the stream falls behind.
/// </summary>
public sealed class TaskOutputTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly Guid _msgId = Guid.NewGuid();

    private TaskOutput Output(bool live) => new(_msgId, engineId: 7, live);

    private static string Notice(long dropped) => $"[… {dropped:N0} earlier characters not kept …]\n";

    /// <summary>Lines that differ from each other, so a tail is only a suffix where it should be.</summary>
    private static string Numbered(int from, int count)
    {
        var text = new StringBuilder();
        for (var i = from; i < from + count; i++) text.Append(i.ToString("D9")).Append('\n');
        return text.ToString();
    }

    private static string Kept(string shown, out long dropped)
    {
        Assert.StartsWith("[… ", shown);
        var end = shown.IndexOf('\n');
        var notice = shown[..(end + 1)];
        var digits = new string(notice.Where(char.IsAsciiDigit).ToArray());
        dropped = long.Parse(digits);
        Assert.Equal(Notice(dropped), notice);
        return shown[(end + 1)..];
    }

    [Fact]
    public void Kept_UnderTheLimit_IsAllOfIt_WithoutNotice()
    {
        var output = Output(live: false);

        output.Writer(false).Write("hello ");
        output.Writer(false).WriteLine("world");
        output.Writer(true).Write('!');

        Assert.Equal("hello world" + Environment.NewLine, output.Stdout);
        Assert.Equal("!", output.Stderr);
    }

    [Fact]
    public void Kept_ExactlyTheLimit_IsAllOfIt_WithoutNotice()
    {
        var output = Output(live: false);
        var text = new string('k', OutputStreams.KeptChars);

        output.Writer(false).Write(text);

        Assert.Equal(text, output.Stdout);
    }

    [Fact]
    public void Kept_OneWriteOverTheLimit_LastKeptChars_AndExactCountOfTheRest()
    {
        var output = Output(live: false);
        var text = Numbered(0, OutputStreams.KeptChars / 10 + 12_345); // lines of 10 characters

        output.Writer(false).Write(text);

        var tail = Kept(output.Stdout, out var dropped);
        Assert.Equal(text[^OutputStreams.KeptChars..], tail);
        Assert.Equal(text.Length - OutputStreams.KeptChars, dropped);
    }

    [Fact]
    public void Kept_ManySmallWritesOverTheLimit_ATailOfAtMostKeptChars_AndExactCountOfTheRest()
    {
        var output = Output(live: false);
        var all = new StringBuilder();
        for (var i = 0; i < 300_000; i++) // 3 M characters in writes of 10
        {
            var line = Numbered(i, 1);
            output.Writer(false).Write(line);
            all.Append(line);
        }

        var written = all.ToString();
        var tail = Kept(output.Stdout, out var dropped);
        Assert.InRange(tail.Length, OutputStreams.KeptChars * 3 / 4, OutputStreams.KeptChars);
        Assert.EndsWith(tail, written, StringComparison.Ordinal);
        Assert.Equal(written.Length - tail.Length, dropped);
        Assert.Equal("", output.Stderr);
    }

    [Fact]
    public void Kept_SmallWritesThenAHugeOne_CountsBoth()
    {
        var output = Output(live: false);
        var huge = Numbered(0, OutputStreams.KeptChars / 10 + 1);

        output.Writer(true).Write(new string('s', 1000));
        output.Writer(true).Write(huge);

        var tail = Kept(output.Stderr, out var dropped);
        Assert.Equal(huge[^OutputStreams.KeptChars..], tail);
        Assert.Equal(1000 + huge.Length - OutputStreams.KeptChars, dropped);
        Assert.Equal("", output.Stdout);
    }

    [Fact]
    public void Take_Live_ChunksOfAtMostMaxChunkChars_NumberedInOrder_StdoutBeforeStderr()
    {
        var output = Output(live: true);
        var stdout = Numbered(0, 30_000); // 300,000 characters: three chunks
        var stderr = "oops";

        output.Writer(true).Write(stderr); // written first, taken after stdout
        output.Writer(false).Write(stdout);
        Assert.True(output.HasUnsent);

        var chunks = output.Take();

        Assert.Equal([0, 1, 2, 3], chunks.Select(c => c.Seq));
        Assert.Equal([false, false, false, true], chunks.Select(c => c.IsError));
        Assert.All(chunks, c => Assert.InRange(c.Text.Length, 1, TaskOutput.MaxChunkChars));
        Assert.Equal(TaskOutput.MaxChunkChars, chunks[0].Text.Length);
        Assert.Equal(stdout, string.Concat(chunks.Where(c => !c.IsError).Select(c => c.Text)));
        Assert.Equal(stderr, chunks[3].Text);
        Assert.All(chunks, c => Assert.Equal((_msgId, 7), (c.MsgId, c.EngineId)));
    }

    [Fact]
    public void Take_EmptiesTheBuffer_AndNumberingContinues()
    {
        var output = Output(live: true);
        output.Writer(false).Write("one");
        Assert.Single(output.Take());

        Assert.False(output.HasUnsent);
        Assert.Empty(output.Take());

        output.Writer(true).Write("two");
        var next = Assert.Single(output.Take());
        Assert.Equal(("two", true, 1), (next.Text, next.IsError, next.Seq));
        Assert.Equal("one", output.Stdout); // the kept text is not what was taken
    }

    [Fact]
    public void End_BeforeAnyChunkTaken_StreamedZero_NoChunks()
    {
        var output = Output(live: true);
        output.Writer(false).Write("all in the reply");
        output.Writer(true).Write("this too");

        var (streamed, remaining) = output.End();

        Assert.Equal(0, streamed);
        Assert.Empty(remaining);
        Assert.False(output.HasUnsent);
        Assert.Equal("all in the reply", output.Stdout);
        Assert.Equal("this too", output.Stderr);
    }

    [Fact]
    public void End_AfterOneTake_RemainingChunks_AndTheTotalCount()
    {
        var output = Output(live: true);
        output.Writer(false).Write("first;");
        var taken = Assert.Single(output.Take());
        output.Writer(false).Write("second;");
        output.Writer(true).Write("err");

        var (streamed, remaining) = output.End();

        Assert.Equal(0, taken.Seq);
        Assert.Equal(3, streamed);
        Assert.Equal([(1, false, "second;"), (2, true, "err")], remaining.Select(c => (c.Seq, c.IsError, c.Text)));
        Assert.False(output.HasUnsent);
        Assert.Equal("first;second;", output.Stdout);
    }

    [Fact]
    public void End_AfterATakeOfNothing_StreamedZero()
    {
        var output = Output(live: true);
        Assert.Empty(output.Take());
        output.Writer(false).Write("late");

        var (streamed, remaining) = output.End();

        Assert.Equal(0, streamed);
        Assert.Empty(remaining);
    }

    [Fact]
    public void WriteAfterEnd_NotUnsent()
    {
        var output = Output(live: true);
        output.Writer(false).Write("a");
        output.Take();
        output.End();

        output.Writer(false).Write("left-running thread");

        Assert.False(output.HasUnsent);
        Assert.Empty(output.Take());
    }

    [Fact]
    public async Task Writer_MaxUnsentWithoutATake_Blocks_UntilTaken()
    {
        var output = Output(live: true);
        output.Writer(false).Write(new string('a', TaskOutput.MaxUnsent)); // fills the buffer, does not block

        var blocked = Task.Factory.StartNew(() => output.Writer(false).Write("b"), TaskCreationOptions.LongRunning);
        await Task.Delay(200);
        Assert.False(blocked.IsCompleted, "the writer waits while MaxUnsent characters are unsent");

        var taken = output.Take();
        await blocked.WaitAsync(Patience);

        Assert.Equal(TaskOutput.MaxUnsent, taken.Sum(c => c.Text.Length));
        Assert.Equal("b", Assert.Single(output.Take()).Text);
    }

    [Fact]
    public async Task Writer_OneUnderMaxUnsent_DoesNotBlock()
    {
        var output = Output(live: true);
        output.Writer(false).Write(new string('a', TaskOutput.MaxUnsent - 1));

        await Task.Factory.StartNew(() => output.Writer(true).Write("b"), TaskCreationOptions.LongRunning).WaitAsync(Patience);

        Assert.Equal(TaskOutput.MaxUnsent, output.Take().Sum(c => c.Text.Length));
    }

    [Fact]
    public async Task Writer_Blocked_ReleasedByEnd()
    {
        var output = Output(live: true);
        output.Writer(false).Write("x");
        output.Take(); // one chunk went out: End will stream the rest
        output.Writer(false).Write(new string('a', TaskOutput.MaxUnsent));

        var blocked = Task.Factory.StartNew(() => output.Writer(false).Write("b"), TaskCreationOptions.LongRunning);
        await Task.Delay(200);
        Assert.False(blocked.IsCompleted);

        var (streamed, remaining) = output.End();
        await blocked.WaitAsync(Patience);

        Assert.Equal(1 + remaining.Count, streamed);
        Assert.Equal(TaskOutput.MaxUnsent, remaining.Sum(c => c.Text.Length));
    }

    [Fact]
    public async Task NotLive_NothingEverUnsent_WritesNeverBlock()
    {
        var output = Output(live: false);

        await Task.Factory.StartNew(() =>
        {
            for (var i = 0; i < 3; i++) output.Writer(i % 2 == 1).Write(new string('n', TaskOutput.MaxUnsent));
        }, TaskCreationOptions.LongRunning).WaitAsync(Patience);

        Assert.False(output.HasUnsent);
        Assert.Empty(output.Take());
        Assert.Equal((0, 0), (output.End().Streamed, output.End().Remaining.Count));
        Assert.Equal(TaskOutput.MaxUnsent, output.Stderr.Length);
        Assert.EndsWith(new string('n', 1000), output.Stdout);
    }

    /// <summary>
    /// Chunks are cut every <see cref="TaskOutput.MaxChunkChars"/> UTF-16 characters, so a character
    /// outside the BMP that straddles the cut is split into two lone surrogates; Orleans writes
    /// strings as UTF-8, where each becomes U+FFFD, and the client's live output differs from what
    /// the task wrote.
    /// </summary>
    [Fact]
    public void Take_CharacterOutsideTheBmpAtTheCut_SurvivesTheWire()
    {
        var output = Output(live: true);
        var text = new string('a', TaskOutput.MaxChunkChars - 1) + "😀" + "b";
        output.Writer(false).Write(text);

        var chunks = output.Take();
        var serializer = TestSerializer.Instance;
        var received = chunks.Select(c => serializer.Deserialize<OutputChunk>(serializer.SerializeToArray(c)));

        Assert.Equal(text, string.Concat(received.Select(c => c!.Text)));
    }
}
