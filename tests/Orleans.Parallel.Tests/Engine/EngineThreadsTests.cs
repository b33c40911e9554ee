using Orleans.Parallel.Grains.Engine;

namespace Orleans.Parallel.Tests.Engine;

/// <summary>
/// The silo's engine threads: none while nothing runs, as many as cores for short work, and one more
/// for each item that runs long, so blocked engines never hold up the others.
/// </summary>
public sealed class EngineThreadsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public void NothingRun_NoThread()
    {
        using var threads = new EngineThreads(2);
        Assert.Equal(0, threads.Threads);
        Assert.Equal(0, threads.ThreadsStarted);
    }

    [Fact]
    public async Task Items_ReturnTheirValueOrThrowTheirException()
    {
        using var threads = new EngineThreads(2);
        Assert.Equal(42, await threads.RunAsync(() => 42));
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => threads.RunAsync<int>(() => throw new InvalidOperationException("mine")));
        Assert.Equal("mine", e.Message);
        Assert.Equal(7, await threads.RunAsync(() => 7)); // the thread that ran the throwing item serves on
    }

    [Fact]
    public async Task ManyShortItems_RunOnAtMostSizeThreadsOnceDone()
    {
        using var threads = new EngineThreads(2);
        var sum = (await Task.WhenAll(Enumerable.Range(0, 2000).Select(i => threads.RunAsync(() => i)))).Sum();
        Assert.Equal(Enumerable.Range(0, 2000).Sum(), sum);
        await WaitUntilAsync(() => threads.Threads <= 2);
        Assert.True(threads.Threads <= 2, $"{threads.Threads} threads serve the queue after short work.");
    }

    [Fact]
    public async Task ItemsThatBlockOnEachOther_EachGetAThread()
    {
        // Eight items that only end once all eight are running at the same time: with a fixed set of
        // two threads they would wait for each other forever.
        const int blocked = 8;
        using var threads = new EngineThreads(2);
        using var barrier = new Barrier(blocked);
        var all = Enumerable.Range(0, blocked).Select(_ => threads.RunAsync(() => barrier.SignalAndWait(Patience))).ToArray();

        Assert.All(await Task.WhenAll(all).WaitAsync(Patience), Assert.True);
        Assert.True(threads.ThreadsStarted >= blocked, $"{threads.ThreadsStarted} threads started for {blocked} items blocked together.");
        await WaitUntilAsync(() => threads.Threads <= 2);
        Assert.True(threads.Threads <= 2, $"{threads.Threads} threads are left once the long items ended.");
    }

    [Fact]
    public async Task ALongItem_DoesNotHoldUpShortOnes()
    {
        using var threads = new EngineThreads(1);
        using var release = new ManualResetEventSlim();
        var longItem = threads.RunAsync(() => release.Wait(Patience));
        var shortOnes = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => threads.RunAsync(() => i))).WaitAsync(Patience);
        Assert.Equal(Enumerable.Range(0, 10), shortOnes);
        Assert.False(longItem.IsCompleted);
        release.Set();
        Assert.True(await longItem.WaitAsync(Patience));
    }

    [Fact]
    public async Task Disposed_RefusesNewWork_AndFinishesQueuedWork()
    {
        var threads = new EngineThreads(1);
        using var release = new ManualResetEventSlim();
        var first = threads.RunAsync(() => release.Wait(Patience));
        var queued = threads.RunAsync(() => 5);
        threads.Dispose();
        Assert.Throws<ObjectDisposedException>(() => { _ = threads.RunAsync(() => 1); });
        release.Set();
        Assert.True(await first.WaitAsync(Patience));
        Assert.Equal(5, await queued.WaitAsync(Patience));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var until = DateTime.UtcNow + Patience;
        while (!condition() && DateTime.UtcNow < until) await Task.Delay(20);
    }
}
