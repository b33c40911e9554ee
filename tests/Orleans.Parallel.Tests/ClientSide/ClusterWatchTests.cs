using Orleans.Parallel.Errors;
using Orleans.Parallel.Results;
using Orleans.Parallel.Tests.Cluster;

namespace Orleans.Parallel.Tests.ClientSide;

/// <summary>Watching real work on the test cluster: maps and lazy maps, a task that throws, engines busy, a cancelled watch.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterWatchTests(ClusterFixture fixture)
{
    private ParallelClient Rc => fixture.Client;

    private static WatchOptions Plain(CapturedConsole console) => new()
    {
        Console = console.Console,
        RefreshInterval = TimeSpan.FromMilliseconds(50),
        LineInterval = TimeSpan.FromMilliseconds(100),
        EngineStatusInterval = TimeSpan.FromMilliseconds(100),
    };

    private static int FailOnThree(int x) => x == 3 ? throw new InvalidOperationException($"no {x}\nmore detail") : x * 2;

    [Fact]
    public async Task LoadBalancedMap_WithAFailingItem_ShowsItsEngineAndItem_AndCountsItems()
    {
        var console = new CapturedConsole(interactive: false);
        var ar = Rc.LoadBalancedView().MapAsync(FailOnThree, Enumerable.Range(0, 10), chunkSize: 2);

        await ar.WatchAsync(Plain(console));

        var failed = Assert.Single(console.Lines, l => l.StartsWith("failed: ", StringComparison.Ordinal));
        Assert.Matches(@"^failed: \[engine \d+\] map item 3: System\.InvalidOperationException: no 3$", failed);
        Assert.StartsWith("finished: 10/10 items (100%), ", console.Lines[^1]);
        Assert.EndsWith(", 2 failed", console.Lines[^1]); // item 3 failed its chunk of two (items 2..3)
        var error = await Assert.ThrowsAsync<CompositeException>(() => ar.AsTask()); // the watch raised nothing; the result still does
        Assert.Equal(3, Assert.IsType<RemoteException>(Assert.Single(error.Errors)).ItemIndex);
    }

    [Fact]
    public async Task EnginesBusy_CountsTheEnginesRunningThisResultsTasks()
    {
        var console = new CapturedConsole(interactive: false);
        var ar = Rc[..].ApplyAsync(() => { Thread.Sleep(1500); return 1; });

        await ar.WatchAsync(Plain(console));

        Assert.Contains(console.Lines, l => l.Contains($", {ClusterFixture.EngineCount}/{ClusterFixture.EngineCount} engines busy", StringComparison.Ordinal));
        Assert.Equal(Enumerable.Repeat(1, ClusterFixture.EngineCount), await ar);
    }

    [Fact]
    public async Task CancellingTheWatch_LeavesTheTaskRunning_ToItsValue()
    {
        var console = new CapturedConsole(interactive: false);
        var ar = Rc[0].ApplyAsync(() => { Thread.Sleep(1500); return 42; });
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ar.WatchAsync(Plain(console), cancel.Token));

        Assert.False(ar.Ready);
        Assert.EndsWith("; the tasks keep running.", console.Lines[^1]);
        Assert.Equal(42, await ar);
    }

    [Fact]
    public async Task CancellingTheWatch_WithAbortOnCancel_AbortsTheTask()
    {
        var console = new CapturedConsole(interactive: false);
        var ar = Rc[1].ApplyAsync(async (CancellationToken token) =>
        {
            await Task.Delay(TimeSpan.FromMinutes(5), token);
            return 1;
        }, default);
        var options = Plain(console);
        options.AbortOnCancel = true;
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ar.WatchAsync(options, cancel.Token));

        await Assert.ThrowsAsync<TaskAbortedException>(() => ar.AsTask());
        Assert.EndsWith("; aborted the tasks.", console.Lines[^1]);
    }

    [Fact]
    public async Task LazyMap_CountsItemsAsTheyAreRead_AgainstTheInputsCount()
    {
        var console = new CapturedConsole(interactive: false);
        var lb = Rc.LoadBalancedView();
        var items = Enumerable.Range(0, 20).ToArray();

        var doubled = new List<int>();
        await foreach (var y in lb.IMap((int x) => x * 2, items, chunkSize: 3).Watch(lb, items.Length, Plain(console))) doubled.Add(y);

        Assert.Equal(items.Select(x => x * 2), doubled);
        Assert.StartsWith("finished: 20/20 items (100%), ", console.Lines[^1]);
    }

    [Fact]
    public async Task LazyMapItems_ShowEachFailedItem_AndGoOn()
    {
        var console = new CapturedConsole(interactive: false);
        var lb = Rc.LoadBalancedView();

        var count = 0;
        await foreach (var _ in lb.IMapItems(FailOnThree, Enumerable.Range(0, 6), chunkSize: 2).Watch(lb, 6, Plain(console))) count++;

        Assert.Equal(6, count);
        Assert.Single(console.Lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^failed: \[engine \d+\] map item 3: System\.InvalidOperationException: no 3$"));
        Assert.EndsWith(", 1 failed", console.Lines[^1]);
    }

    [Fact]
    public async Task LiveWatch_OfAMap_EndsWithTheBarFull()
    {
        var console = new CapturedConsole(interactive: true);
        var ar = Rc.LoadBalancedView().MapAsync((int x) => x + 1, Enumerable.Range(0, 12), chunkSize: 4);

        await ar.WatchAsync(new WatchOptions { Console = console.Console, RefreshInterval = TimeSpan.FromMilliseconds(50) });

        Assert.Contains("12/12 items (100%)", console.Text);
        Assert.Contains("\u001b[", console.Text, StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(1, 12), await ar);
    }
}
