using Orleans.Parallel.Engine;
using Orleans.Parallel.Results;

namespace Orleans.Parallel.Tests.Hub;

/// <summary>
/// The client's side of live output, without a cluster: <see cref="LiveOutput"/> keeps a bounded
/// tail of each stream and passes chunks to its readers; an <see cref="OutputReader"/> that falls
/// too far behind loses the oldest chunks and is told how much.
/// </summary>
public sealed class LiveOutputBufferTests
{
    private readonly Guid _msgId = Guid.NewGuid();
    private int _seq;

    private OutputChunk Chunk(string text, bool error = false) => new(_msgId, 3, error, text, _seq++);

    private static List<OutputChunk> Drain(OutputReader reader)
    {
        var taken = new List<OutputChunk>();
        while (reader.TryTake(out var chunk)) taken.Add(chunk);
        return taken;
    }

    [Fact]
    public void Add_PassesChunksToAnAttachedReader_InOrder()
    {
        var live = new LiveOutput();
        var reader = new OutputReader();
        Assert.Empty(live.Attach(reader, _msgId, 3));
        var chunks = Enumerable.Range(0, 20).Select(i => Chunk($"line {i}\n", error: i % 3 == 0)).ToArray();

        foreach (var chunk in chunks) live.Add(chunk);

        Assert.True(reader.TryPeekAny());
        Assert.Equal(chunks, Drain(reader));
        Assert.False(reader.TryPeekAny());
        Assert.Equal(20, live.Count);
    }

    [Fact]
    public void Add_EveryAttachedReaderGetsEveryChunk()
    {
        var live = new LiveOutput();
        var (first, second) = (new OutputReader(), new OutputReader());
        live.Attach(first, _msgId, 3);
        live.Attach(second, _msgId, 3);
        var chunks = new[] { Chunk("a"), Chunk("b", error: true) };

        foreach (var chunk in chunks) live.Add(chunk);

        Assert.Equal(chunks, Drain(first));
        Assert.Equal(chunks, Drain(second));
    }

    [Fact]
    public async Task Add_WakesAWaitingReader()
    {
        var live = new LiveOutput();
        var reader = new OutputReader();
        live.Attach(reader, _msgId, 3);
        var waiting = reader.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        Assert.False(waiting.IsCompleted);

        live.Add(Chunk("hi"));

        Assert.True(await waiting);
    }

    [Fact]
    public void Attach_GivesWhatArrivedBefore_AsOneStdoutThenOneStderrChunk()
    {
        var live = new LiveOutput();
        live.Add(Chunk("o1;"));
        live.Add(Chunk("e1;", error: true));
        live.Add(Chunk("o2;"));
        live.Add(Chunk("e2;", error: true));
        var reader = new OutputReader();

        var earlier = live.Attach(reader, _msgId, 3);

        Assert.Equal(2, earlier.Count);
        Assert.Equal((false, "o1;o2;"), (earlier[0].IsError, earlier[0].Text));
        Assert.Equal((true, "e1;e2;"), (earlier[1].IsError, earlier[1].Text));
        Assert.All(earlier, c => Assert.Equal((_msgId, 3, -1), (c.MsgId, c.EngineId, c.Seq)));
        Assert.False(reader.TryPeekAny(), "what came before is handed back, not queued again");

        var later = Chunk("o3;");
        live.Add(later);
        Assert.Equal([later], Drain(reader));
    }

    [Fact]
    public void Attach_OnlyStderrBefore_OneChunk()
    {
        var live = new LiveOutput();
        live.Add(Chunk("e", error: true));

        var earlier = live.Attach(new OutputReader(), _msgId, 3);

        Assert.Equal("e", Assert.Single(earlier).Text);
        Assert.True(earlier[0].IsError);
    }

    [Fact]
    public void Detach_StopsDelivery()
    {
        var live = new LiveOutput();
        var (gone, staying) = (new OutputReader(), new OutputReader());
        live.Attach(gone, _msgId, 3);
        live.Attach(staying, _msgId, 3);
        var before = Chunk("before");
        live.Add(before);

        live.Detach(gone);
        var after = Chunk("after");
        live.Add(after);

        Assert.Equal([before], Drain(gone));
        Assert.Equal([before, after], Drain(staying));
    }

    [Fact]
    public void Reader_FallsBehind_LosesTheOldestChunks_AndANoticeSaysHowMany()
    {
        const int Each = 100_000, Pushed = 50;
        var reader = new OutputReader();
        var chunks = Enumerable.Range(0, Pushed).Select(i => Chunk(new string((char)('A' + i % 26), Each))).ToArray();
        var fits = OutputReader.MaxQueuedChars / Each; // 41 chunks fit; each one after pushes the oldest out
        var lost = Pushed - fits;
        Assert.True(lost > 0);

        foreach (var chunk in chunks) reader.Push(chunk);
        var taken = Drain(reader);

        var notice = taken[0];
        Assert.Equal($"[… {(long)lost * Each:N0} characters of output dropped: this reader fell behind …]\n", notice.Text);
        Assert.Equal(-1, notice.Seq);
        Assert.Equal((_msgId, 3, false), (notice.MsgId, notice.EngineId, notice.IsError));
        Assert.Equal(chunks[lost..], taken[1..]);
    }

    [Fact]
    public void Reader_FallsBehindTwice_EachNoticeCountsOnlyItsOwnLoss()
    {
        var reader = new OutputReader();
        var big = new string('x', OutputReader.MaxQueuedChars / 2);
        reader.Push(Chunk(big));
        reader.Push(Chunk(big));
        reader.Push(Chunk(big)); // over: the first goes

        Assert.True(reader.TryTake(out var notice));
        Assert.Contains($"{big.Length:N0} characters", notice.Text);
        Assert.True(reader.TryTake(out var second));
        Assert.Equal(1, second.Seq);

        reader.Push(Chunk(big));
        reader.Push(Chunk(big)); // over again: chunk 2 goes

        Assert.True(reader.TryTake(out notice));
        Assert.Equal(-1, notice.Seq);
        Assert.Contains($"{big.Length:N0} characters", notice.Text);
        Assert.Equal([3, 4], Drain(reader).Select(c => c.Seq));
    }

    [Fact]
    public void Reader_WithinTheBound_LosesNothing_NoNotice()
    {
        var reader = new OutputReader();
        var chunks = Enumerable.Range(0, 4).Select(_ => Chunk(new string('y', OutputReader.MaxQueuedChars / 4))).ToArray();

        foreach (var chunk in chunks) reader.Push(chunk);

        Assert.Equal(chunks, Drain(reader));
    }

    /// <summary>
    /// <see cref="OutputReader.Push"/> drops at most one chunk per chunk pushed: after many small
    /// chunks, every large one adds far more than the small one it pushes out, and the queue grows
    /// well past its bound.
    /// </summary>
    [Fact]
    public void Reader_SmallChunksThenLargeOnes_StaysWithinTheBound()
    {
        var reader = new OutputReader();
        const int Small = 1024, Large = 128 * 1024;
        for (var i = 0; i < OutputReader.MaxQueuedChars / Small; i++) reader.Push(Chunk(new string('s', Small)));
        for (var i = 0; i < 100; i++) reader.Push(Chunk(new string('L', Large)));

        var queued = Drain(reader).Where(c => c.Seq >= 0).Sum(c => (long)c.Text.Length);

        Assert.InRange(queued, 0, OutputReader.MaxQueuedChars);
    }

    [Fact]
    public void Stdout_KeptIsBoundedByKeptChars_AndIsTheTail()
    {
        var live = new LiveOutput();
        var all = new System.Text.StringBuilder();
        for (var i = 0; i < 400; i++)
        {
            var text = $"{i:D6}:" + new string('z', 9_993); // 10,000 characters, 4 M in all
            live.Add(Chunk(text));
            all.Append(text);
            Assert.InRange(live.Stdout.Length, 0, OutputStreams.KeptChars);
        }

        var kept = live.Stdout;
        Assert.InRange(kept.Length, OutputStreams.KeptChars / 2, OutputStreams.KeptChars);
        Assert.EndsWith(kept, all.ToString(), StringComparison.Ordinal);
        Assert.Equal("", live.Stderr);
        Assert.Equal(400, live.Count);
    }

    [Fact]
    public void Stderr_KeptSeparately_AndBounded()
    {
        var live = new LiveOutput();
        live.Add(Chunk("out"));
        live.Add(Chunk(new string('e', OutputStreams.KeptChars + 10), error: true));

        Assert.Equal("out", live.Stdout);
        Assert.InRange(live.Stderr.Length, 1, OutputStreams.KeptChars);
        Assert.Equal(new string('e', live.Stderr.Length), live.Stderr);
    }
}
