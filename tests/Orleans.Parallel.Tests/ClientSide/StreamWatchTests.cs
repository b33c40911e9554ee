using System.Runtime.CompilerServices;
using Orleans.Parallel.Engine;
using Orleans.Parallel.Errors;
using Orleans.Parallel.Results;
using Orleans.Parallel.Views;

namespace Orleans.Parallel.Tests.ClientSide;

/// <summary>A view without a client: watches that never ask the cluster (EngineStatusInterval is null) need none.</summary>
internal sealed class NoClientView : IParallelView
{
    public ParallelClient Client => null!;
}

/// <summary>Watching a lazy map without a cluster: any async stream, its items counted as they are read.</summary>
public sealed class StreamWatchTests
{
    private static WatchOptions Options(CapturedConsole console) => new()
    {
        Console = console.Console,
        RefreshInterval = TimeSpan.FromMilliseconds(20),
        LineInterval = TimeSpan.FromHours(1),
        EngineStatusInterval = null,
    };

    internal static async IAsyncEnumerable<T> Items<T>(params T[] items)
    {
        foreach (var item in items)
        {
            await Task.Yield();
            yield return item;
        }
    }

    private static async IAsyncEnumerable<int> ThrowsAfter(int count, Exception error, [EnumeratorCancellation] CancellationToken token = default)
    {
        for (var i = 0; i < count; i++)
        {
            await Task.Yield();
            yield return i;
        }
        throw error;
    }

    [Fact]
    public async Task Stream_CountsItemsAsTheyAreRead_AgainstTheTotal()
    {
        var console = new CapturedConsole(interactive: false);
        var read = new List<int>();
        await foreach (var x in Items(1, 2, 3, 4).Watch(new NoClientView(), total: 4, Options(console)))
        {
            if (read.Count == 2) await console.WaitForAsync("/4 items");
            read.Add(x);
        }

        Assert.Equal([1, 2, 3, 4], read);
        Assert.StartsWith("finished: 4/4 items (100%), ", console.Lines[^1]);
    }

    [Fact]
    public async Task Stream_WithoutATotal_ShowsTheCountAndRate()
    {
        var console = new CapturedConsole(interactive: false);
        await foreach (var _ in Items("a", "b").Watch(new NoClientView(), options: Options(console))) { }
        Assert.Matches(@"^finished: 2 items, [0-9.]+ items/s, elapsed \d+:\d\d:\d\d$", console.Lines[^1]);
    }

    [Fact]
    public async Task Stream_OfMapItems_ShowsEachFailedItem()
    {
        var console = new CapturedConsole(interactive: false);
        var error = new RemoteException(1, Guid.NewGuid(), new RemoteError("System.DivideByZeroException", "zero", "", []), "map item 1", 1);
        var items = Items(new MapItem<int>(0, 10), new MapItem<int>(1, error), new MapItem<int>(2, 30));

        var count = 0;
        await foreach (var _ in items.Watch(new NoClientView(), 3, Options(console))) count++;

        Assert.Equal(3, count);
        Assert.Contains("failed: [engine 1] map item 1: System.DivideByZeroException: zero", console.Lines);
        Assert.EndsWith(", 1 failed", console.Lines[^1]);
    }

    [Fact]
    public async Task Stream_ThatRaises_ShowsTheFailure_StopsTheWatch_AndRaisesToTheReader()
    {
        var console = new CapturedConsole(interactive: false);
        var error = new EngineException(3, "The engine died.");

        var raised = await Assert.ThrowsAsync<EngineException>(async () =>
        {
            await foreach (var _ in ThrowsAfter(2, error).Watch(new NoClientView(), 5, Options(console))) { }
        });

        Assert.Same(error, raised);
        Assert.Contains("failed: [engine 3] The engine died.", console.Lines);
        Assert.StartsWith("stopped watching: 2/5 items (40%)", console.Lines[^1]);
        Assert.EndsWith("the reading stopped before the end of the results.", console.Lines[^1]);
    }

    [Fact]
    public async Task Stream_LeftEarly_SaysTheWatchStopped()
    {
        var console = new CapturedConsole(interactive: false);
        await foreach (var x in Items(1, 2, 3).Watch(new NoClientView(), 3, Options(console)))
            if (x == 1) break;
        Assert.StartsWith("stopped watching: 1/3 items (33%)", console.Lines[^1]);
    }

    [Fact]
    public void Stream_BadArguments_AreRejectedAtTheCall()
    {
        Assert.Equal("view", Assert.Throws<ArgumentNullException>(() => Items(1).Watch(null!)).ParamName);
        Assert.Equal("results", Assert.Throws<ArgumentNullException>(() => ((IAsyncEnumerable<int>)null!).Watch(new NoClientView())).ParamName);
        var total = Assert.Throws<ArgumentOutOfRangeException>(() => Items(1).Watch(new NoClientView(), total: -1));
        Assert.Equal("total", total.ParamName);
        Assert.Contains("cannot be negative", total.Message);
    }
}
