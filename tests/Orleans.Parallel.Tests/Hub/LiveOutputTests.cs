using Orleans.Parallel.Engine;

namespace Orleans.Parallel.Tests.Hub;

/// <summary>The output of running tasks reaches the client while they run: ar.Stdout grows, ar.Output yields chunks.</summary>
[Collection(HubCollection.Name)]
public class LiveOutputTests(HubClusterFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private ParallelClient Rc => fixture.Client;

    private static int Chatter()
    {
        Console.Write("first;");
        Thread.Sleep(1500);
        Console.Error.Write("oops;");
        Console.Write("second;");
        Thread.Sleep(1500);
        Console.Write("third");
        return 3;
    }

    [Fact]
    public async Task Stdout_GrowsWhileTheTaskRuns()
    {
        Assert.True(Rc.LiveOutput, "the test cluster's client has the output stream provider");
        var ar = Rc.LoadBalancedView().ApplyAsync(Chatter);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Cluster.ClusterAssert.EventuallyAsync(() => Task.FromResult(ar.Stdout[0].Contains("first;")), "the first write reaches the client");
        Assert.False(ar.Ready, $"the task still runs (it sleeps 3 s); the first write took {clock.ElapsedMilliseconds} ms to arrive");
        Assert.DoesNotContain("third", ar.Stdout[0]);

        Assert.Equal(3, await ar.AsTask().WaitAsync(Patience));
        Assert.Equal("first;second;third", ar.Stdout[0]);
        Assert.Equal("oops;", ar.Stderr[0]);
    }

    [Fact]
    public async Task Output_YieldsChunksAsWritten_TaggedByTaskAndEngine()
    {
        var ar = Rc[..].ApplyAsync(Chatter);

        var chunks = new List<OutputChunk>();
        await foreach (var chunk in ar.Output.WithCancellation(new CancellationTokenSource(Patience).Token)) chunks.Add(chunk);

        Assert.True(ar.Ready);
        for (var i = 0; i < ar.MsgIds.Count; i++)
        {
            var mine = chunks.Where(c => c.MsgId == ar.MsgIds[i]).ToArray();
            Assert.All(mine, c => Assert.Equal(Rc.Ids[i], c.EngineId));
            Assert.Equal("first;second;third", string.Concat(mine.Where(c => !c.IsError).Select(c => c.Text)));
            Assert.Equal("oops;", string.Concat(mine.Where(c => c.IsError).Select(c => c.Text)));
            Assert.True(mine.Count(c => !c.IsError) >= 2, "stdout came in more than one chunk: it streamed while the task ran");
        }
    }

    [Fact]
    public async Task Output_ShortTask_YieldsItsOutputFromTheReply()
    {
        var ar = Rc[0].ApplyAsync(() => { Console.Write("quick"); return 1; });

        var chunks = new List<OutputChunk>();
        await foreach (var chunk in ar.Output.WithCancellation(new CancellationTokenSource(Patience).Token)) chunks.Add(chunk);

        Assert.Equal("quick", string.Concat(chunks.Select(c => c.Text)));
        Assert.All(chunks, c => Assert.Equal(Rc.Ids[0], c.EngineId));
    }

    [Fact]
    public async Task ChattyTask_KeepsABoundedTail_AndStreamsEverything()
    {
        const int Lines = 2_000, LineLength = 10_000; // 20 M characters
        var ar = Rc[0].ApplyAsync(() =>
        {
            var line = new string('x', LineLength - 8);
            for (var i = 0; i < Lines; i++) Console.WriteLine($"{i,6}:{line}");
            return Lines;
        });

        long streamed = 0;
        var tail = ""; // the stream's last characters, whatever chunks they came in (a chunk may split the last line)
        await foreach (var chunk in ar.Output.WithCancellation(new CancellationTokenSource(Patience).Token))
        {
            // A reader that falls 4 Mi characters behind (this one can, on a loaded machine) gets a
            // notice of how many it lost in their place: every character is either here or counted there.
            var dropped = System.Text.RegularExpressions.Regex.Match(chunk.Text, @"^\[… ([0-9,]+) characters of output dropped");
            streamed += dropped.Success ? long.Parse(dropped.Groups[1].Value, System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture) : chunk.Text.Length;
            tail = dropped.Success ? "" : tail + chunk.Text;
            if (tail.Length > 2 * LineLength) tail = tail[^(2 * LineLength)..];
        }

        Assert.Equal(Lines, await ar);
        Assert.Equal((long)Lines * (LineLength + Environment.NewLine.Length - 1), streamed);
        Assert.EndsWith($"{Lines - 1,6}:" + new string('x', LineLength - 8) + Environment.NewLine, tail);
        var kept = ar.Stdout[0];
        Assert.InRange(kept.Length, OutputStreams.KeptChars / 2, OutputStreams.KeptChars + 200);
        Assert.StartsWith("[… ", kept);
        Assert.EndsWith(new string('x', 100) + Environment.NewLine, kept);
    }
}
