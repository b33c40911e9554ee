using System.Diagnostics;
using Orleans.Parallel.Errors;
using Orleans.Parallel.Wire;

namespace Orleans.Parallel.Tests.Cluster;

/// <summary>
/// A message over Orleans' size limit (<c>MessagingOptions.MaxMessageBodySize</c>, 100 MiB by default)
/// fails at once with an error naming the limit and the way around it: refused on the client before
/// anything is sent (a push, an argument, a capture, a load-balanced task), or, for a result, failing
/// its task on the engine. Orleans alone would find out in its connection's send loop, where the call
/// is never answered (a 30 s timeout) and the connection is closed. Arrays in bulk have no such limit.
/// </summary>
[Collection(ClusterCollection.Name)]
public class MessageSizeLimitTests(ClusterFixture fixture)
{
    /// <summary>Characters in a string past the limit: 110 MB of UTF-8 at least, more than the 104,857,600 bytes a message may have.</summary>
    private const int OverLimit = 110_000_000;

    /// <summary>Far inside Orleans' 30 s response timeout, and loose enough for a loaded machine.</summary>
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(10);

    private ParallelClient Rc => fixture.Client;

    private static void AssertNamesTheLimitAndTheWayAround(Exception error)
    {
        Assert.Contains("MaxMessageBodySize", error.Message);
        Assert.Contains("104,857,600", error.Message);
        Assert.Contains("byte[]", error.Message);
        Assert.Contains("in bulk, at any size", error.Message);
    }

    [Fact]
    public async Task Push_StringOverTheLimit_IsRefusedOnTheClientAtOnce_NamespaceIntact()
    {
        await Rc[..].PushAsync(new { msl_kept = 42 });
        var big = new string('x', OverLimit);

        var clock = Stopwatch.StartNew();
        var error = await ClusterAssert.RejectedOnClientAsync<MessageTooLargeException>(Rc, () => Rc[0].PushAsync(new { msl_big = big }));
        Assert.True(clock.Elapsed < Quick, $"refused after {clock.Elapsed}");
        AssertNamesTheLimitAndTheWayAround(error);
        Assert.StartsWith("The message would be at least 110,000,", error.Message);
        Assert.Contains("most of them in variable 'msl_big'", error.Message);
        Assert.True(error.Bytes > OverLimit);
        Assert.Equal(MessageSize.DefaultLimit, error.Limit);

        // To every engine (one broadcast per silo): refused the same way.
        await ClusterAssert.RejectedOnClientAsync<MessageTooLargeException>(Rc, () => Rc[..].PushAsync(new { msl_big = big, msl_small = 1 }));

        Assert.Equal([42, 42, 42, 42], await Rc[..].PullAsync<int>("msl_kept"));
        Assert.Contains("msl_big", (await Assert.ThrowsAsync<RemoteException>(() => Rc[0].PullAsync<string>("msl_big").AsTask())).Message);
    }

    [Fact]
    public async Task Apply_ArgumentOrCaptureOverTheLimit_IsRefusedOnTheClient()
    {
        var big = new string('x', OverLimit);

        var argument = await ClusterAssert.RejectedOnClientAsync<MessageTooLargeException>(Rc, () => Rc[1].ApplyAsync((string s) => s.Length, big));
        AssertNamesTheLimitAndTheWayAround(argument);
        Assert.Contains("most of them in argument 0:", argument.Message);

        var capture = await ClusterAssert.RejectedOnClientAsync<MessageTooLargeException>(Rc, () => Rc[..].ApplyAsync(() => big.Length));
        Assert.Contains("most of them in the function's captured values:", capture.Message);

        // Two halves fit no better than the whole: a message counts all its values.
        var half = new string('y', OverLimit / 2);
        var halves = await ClusterAssert.RejectedOnClientAsync<MessageTooLargeException>(Rc,
            () => Rc[1].ApplyAsync((string a, string b) => a.Length + b.Length, half, new string('z', OverLimit / 2)));
        Assert.True(halves.Bytes > OverLimit);

        // The same half twice is written once (Orleans writes an object met again as a reference): it fits.
        Assert.Equal(OverLimit, await Rc[1].ApplyAsync((string a, string b) => a.Length + b.Length, half, half).AsTask().WaitAsync(TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task LoadBalancedTask_ArgumentOverTheLimit_IsRefusedOnTheClient()
    {
        var big = new string('x', OverLimit);
        var lb = Rc.LoadBalancedView();

        var error = await ClusterAssert.RejectedOnClientAsync<MessageTooLargeException>(Rc, () => lb.ApplyAsync((string s) => s.Length, big));
        AssertNamesTheLimitAndTheWayAround(error);

        // Held for a dependency first: it fails with the same error once it would go.
        var first = lb.ApplyAsync(() => { Thread.Sleep(200); return 1; });
        var held = lb.With(after: first).ApplyAsync((string s) => s.Length, big);
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAsync<MessageTooLargeException>(() => held.AsTask().WaitAsync(Quick));
        Assert.True(clock.Elapsed < Quick, $"failed after {clock.Elapsed}");
        Assert.Equal(1, await first);
        Assert.Equal(7, await lb.ApplyAsync(() => 7));
    }

    [Fact]
    public async Task LoadBalancedTasks_TooLargeTogether_GoInSeparateMessages()
    {
        // Each fits, eight together would not: the client sends them in batches that do.
        var lb = Rc.LoadBalancedView();
        var texts = Enumerable.Range(0, 8).Select(i => new string((char)('a' + i), 16_000_000)).ToArray();

        var results = texts.Select(text => lb.ApplyAsync((string s) => s.Length + s[0], text)).ToArray();

        for (var i = 0; i < results.Length; i++)
            Assert.Equal(16_000_000 + 'a' + i, await results[i].AsTask().WaitAsync(TimeSpan.FromMinutes(2)));
    }

    [Fact]
    public async Task Result_OverTheLimit_FailsItsTaskAtOnce_EngineGoesOn()
    {
        var clock = Stopwatch.StartNew();
        var direct = await Assert.ThrowsAsync<RemoteException>(() => Rc[2].ApplyAsync(() => new string('r', OverLimit)).AsTask().WaitAsync(Quick));
        Assert.True(clock.Elapsed < Quick, $"failed after {clock.Elapsed}");
        Assert.Equal(typeof(ResultTooLargeException).FullName, direct.RemoteType);
        Assert.StartsWith("The task's result is at least 110,000,", direct.RemoteMessage);
        Assert.Contains("MaxMessageBodySize", direct.RemoteMessage);
        Assert.Contains("char[]", direct.RemoteMessage);

        var balanced = await Assert.ThrowsAsync<RemoteException>(() => Rc.LoadBalancedView().ApplyAsync(() => new string('r', OverLimit)).AsTask().WaitAsync(Quick));
        Assert.Contains("MaxMessageBodySize", balanced.Message);

        // The way around it: the same text as a char[] comes back in bulk.
        var chars = await Rc[2].ApplyAsync(() => new string('r', OverLimit).ToCharArray()).AsTask().WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(OverLimit, chars.Length);
        Assert.Equal(5, await Rc[2].ApplyAsync(() => 5));
    }

    [Fact]
    public async Task ArrayOverTheLimit_TravelsInBulk()
    {
        var doubles = new double[13_107_200]; // 100 MiB
        for (var i = 0; i < doubles.Length; i += 4096) doubles[i] = i;

        await Rc[3].PushAsync(new { msl_doubles = doubles }).AsTask().WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(doubles.Length, await Rc[3].ApplyAsync((double[] d) => d.Length, doubles).AsTask().WaitAsync(TimeSpan.FromMinutes(1)));
        var back = await Rc[3].PullAsync<double[]>("msl_doubles").AsTask().WaitAsync(TimeSpan.FromMinutes(1));
        Assert.True(back.AsSpan().SequenceEqual(doubles));

        await Rc[3].PushAsync(new { msl_doubles = (double[]?)null }); // the engine's 100 MiB go
    }
}
