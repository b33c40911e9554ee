using Orleans.Parallel.Errors;
using Orleans.Parallel.Linq;
using Orleans.Parallel.Tests.Cluster;

namespace Orleans.Parallel.Tests.Views;

/// <summary>items.AsParallelOn(lb): a lazy LINQ pipeline whose Select and Where run on the engines.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterQueryTests(ClusterFixture fixture)
{
    private ParallelClient Rc => fixture.Client;

    private async Task<long> CompletedAsync() => (await Rc.QueueStatusAsync()).Engines.Sum(e => (long)e.Completed);

    private static async IAsyncEnumerable<int> Counting(int count)
    {
        for (var i = 0; i < count; i++)
        {
            if (i % 10 == 0) await Task.Yield();
            yield return i;
        }
    }

    [Fact]
    public async Task Select_MatchesLocalInInputOrder()
    {
        var before = await CompletedAsync();
        var squares = await Enumerable.Range(0, 200).AsParallelOn(Rc.LoadBalancedView()).Select(x => x * x).WithChunkSize(7).ToListAsync();
        Assert.Equal(Enumerable.Range(0, 200).Select(x => x * x), squares);
        Assert.Equal(before + 29, await CompletedAsync()); // ceil(200 / 7) chunk tasks
    }

    [Fact]
    public async Task SelectWhereSelect_MatchesLocalLinq()
    {
        var local = Enumerable.Range(0, 150).Select(x => x * 3).Where(x => x % 2 == 0).Select(x => $"<{x}>");
        var remote = Enumerable.Range(0, 150).AsParallelOn(Rc.LoadBalancedView())
            .Select(x => x * 3)
            .Where(x => x % 2 == 0)
            .Select(async x =>
            {
                await Task.Yield();
                return $"<{x}>";
            })
            .WithChunkSize(4);
        Assert.Equal(local, await remote.ToListAsync());
    }

    [Fact]
    public async Task AsyncSourceAndAsyncPredicate_MatchLocal()
    {
        var remote = Counting(64).AsParallelOn(Rc.LoadBalancedView()).Where(async x =>
        {
            await Task.Yield();
            return x % 5 == 1;
        });
        Assert.Equal(Enumerable.Range(0, 64).Where(x => x % 5 == 1), await remote.ToListAsync());
    }

    [Fact]
    public async Task NothingIsReadOrSentBeforeEnumeration_AndEachEnumerationRunsAgain()
    {
        var read = 0;
        IEnumerable<int> Source()
        {
            for (var i = 0; i < 20; i++)
            {
                Interlocked.Increment(ref read);
                yield return i;
            }
        }
        var before = await CompletedAsync();
        var query = Source().AsParallelOn(Rc.LoadBalancedView()).Select(x => x + 100).Where(x => x % 2 == 0).AsUnordered().WithChunkSize(3);
        await using (var enumerator = query.GetAsyncEnumerator())
        {
            await Task.Delay(200);
            Assert.Equal(0, read);
            Assert.True(await Rc.WaitAsync(TimeSpan.Zero), "a task is outstanding before enumeration");
            Assert.Equal(before, await CompletedAsync());
        }
        Assert.Equal(0, read);
        Assert.Equal(Enumerable.Range(100, 20).Where(x => x % 2 == 0), (await query.ToListAsync()).Order());
        Assert.Equal(20, read);
        Assert.True(await CompletedAsync() > before);
        Assert.Equal(10, (await query.ToListAsync()).Count);
        Assert.Equal(40, read);
    }

    [Fact]
    public async Task Ordered_YieldsInInputOrder_Unordered_AsChunksFinish()
    {
        var lb = Rc.LoadBalancedView();
        // The first item sleeps longest, so in completion order it comes last.
        var slowFirst = Enumerable.Range(0, 8).AsParallelOn(lb).Select(x =>
        {
            Thread.Sleep(x == 0 ? 400 : 5);
            return x;
        });
        Assert.True(slowFirst.IsOrdered);
        Assert.Equal(Enumerable.Range(0, 8), await slowFirst.ToListAsync());
        var unordered = await slowFirst.AsUnordered().ToListAsync();
        Assert.Equal(Enumerable.Range(0, 8), unordered.Order());
        Assert.NotEqual(0, unordered[0]);
        Assert.Equal(Enumerable.Range(0, 8), await slowFirst.AsUnordered().AsOrdered().ToListAsync());
    }

    [Fact]
    public async Task Where_Unordered_KeepsEachItemWithItsOwnVerdict()
    {
        var kept = await Enumerable.Range(0, 60).AsParallelOn(Rc.LoadBalancedView())
            .Where(x =>
            {
                Thread.Sleep(x % 7 == 0 ? 60 : 1);
                return x % 3 == 0;
            })
            .AsUnordered().WithChunkSize(2).WithMaxOutstanding(6).ToListAsync();
        Assert.Equal(Enumerable.Range(0, 60).Where(x => x % 3 == 0), kept.Order());
    }

    [Fact]
    public async Task FailingSelectorOrPredicate_RaisesItsRemoteError()
    {
        var lb = Rc.LoadBalancedView();
        var select = await Assert.ThrowsAsync<RemoteException>(async () =>
            await Enumerable.Range(0, 30).AsParallelOn(lb).Select(x => x == 17 ? throw new InvalidOperationException("select 17") : x).ToListAsync());
        Assert.Contains("select 17", select.RemoteMessage);
        var where = await Assert.ThrowsAsync<RemoteException>(async () =>
            await Enumerable.Range(0, 30).AsParallelOn(lb).Where(x => x == 11 ? throw new InvalidOperationException("where 11") : true).ToListAsync());
        Assert.Contains("where 11", where.RemoteMessage);
        Assert.Equal(typeof(InvalidOperationException).FullName, where.RemoteType);
        Assert.True(await lb.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task LeavingEarly_StopsReadingAndLeavesNothingWaiting()
    {
        var read = 0;
        IEnumerable<int> Endless()
        {
            for (var i = 0; ; i++)
            {
                read = i + 1;
                yield return i;
            }
        }
        var lb = Rc.LoadBalancedView();
        var taken = new List<int>();
        await foreach (var x in Endless().AsParallelOn(lb).Select(x => x * 2).WithMaxOutstanding(4))
        {
            taken.Add(x);
            if (taken.Count == 25) break;
        }
        Assert.Equal(Enumerable.Range(0, 25).Select(x => x * 2), taken);
        Assert.True(read <= 30, $"read {read} items to yield 25 with 4 in flight");
        Assert.True(await lb.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task LeavingEarly_FromSeveralOperators_AbortsEveryStage()
    {
        var lb = Rc.LoadBalancedView();
        var taken = new List<int>();
        var query = Enumerable.Range(0, 100_000).AsParallelOn(lb)
            .Select(x => x + 1)
            .Where(x => x % 2 == 1)
            .Select(x =>
            {
                Thread.Sleep(5);
                return -x;
            })
            .WithMaxOutstanding(8);
        await foreach (var x in query)
        {
            taken.Add(x);
            if (taken.Count == 10) break;
        }
        Assert.Equal(Enumerable.Range(0, 10).Select(i => -(2 * i + 1)), taken);
        Assert.True(await lb.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Cancelled_ThrowsAndAbortsWhatWaits()
    {
        using var cancel = new CancellationTokenSource();
        var lb = Rc.LoadBalancedView();
        var seen = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            var query = Enumerable.Range(0, 10_000).AsParallelOn(lb).Select(x =>
            {
                Thread.Sleep(20);
                return x;
            });
            await foreach (var _ in query.WithCancellation(cancel.Token))
                if (++seen == 5) await cancel.CancelAsync();
        });
        Assert.Equal(5, seen);
        Assert.True(await lb.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void BadInput_Refused()
    {
        var lb = Rc.LoadBalancedView();
        Assert.Equal("source", Assert.Throws<ArgumentNullException>(() => ((IEnumerable<int>)null!).AsParallelOn(lb)).ParamName);
        Assert.Equal("source", Assert.Throws<ArgumentNullException>(() => ((IAsyncEnumerable<int>)null!).AsParallelOn(lb)).ParamName);
        Assert.Equal("view", Assert.Throws<ArgumentNullException>(() => new[] { 1 }.AsParallelOn(null!)).ParamName);
        Assert.Equal("view", Assert.Throws<ArgumentNullException>(() => Counting(1).AsParallelOn(null!)).ParamName);
        var query = new[] { 1, 2 }.AsParallelOn(lb);
        Assert.Equal("selector", Assert.Throws<ArgumentNullException>(() => query.Select((Func<int, int>)null!)).ParamName);
        Assert.Equal("selector", Assert.Throws<ArgumentNullException>(() => query.Select((Func<int, Task<int>>)null!)).ParamName);
        Assert.Equal("predicate", Assert.Throws<ArgumentNullException>(() => query.Where((Func<int, bool>)null!)).ParamName);
        Assert.Equal("predicate", Assert.Throws<ArgumentNullException>(() => query.Where((Func<int, Task<bool>>)null!)).ParamName);
        Assert.Equal("chunkSize", Assert.Throws<ArgumentOutOfRangeException>(() => query.WithChunkSize(0)).ParamName);
        Assert.Equal("maxOutstanding", Assert.Throws<ArgumentOutOfRangeException>(() => query.WithMaxOutstanding(0)).ParamName);
    }
}
