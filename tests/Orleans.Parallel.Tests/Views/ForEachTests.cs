using Orleans.Parallel.Errors;
using Orleans.Parallel.Tests.Cluster;

namespace Orleans.Parallel.Tests.Views;

/// <summary>lb.ForEachAsync: Parallel.ForEachAsync's shape with the body running on the engines.</summary>
[Collection(ClusterCollection.Name)]
public class ForEachTests(ClusterFixture fixture) : IDisposable
{
    // The bodies leave their mark in files: the engines share this machine's file system.
    private readonly string _dir = Directory.CreateTempSubdirectory("foreach_").FullName;

    private ParallelClient Rc => fixture.Client;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private Dictionary<int, string> Marks() =>
        Directory.GetFiles(_dir).ToDictionary(f => int.Parse(Path.GetFileName(f)), File.ReadAllText);

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
    public async Task ActionBody_RunsOnceForEveryItemAsEngineTasks()
    {
        var dir = _dir;
        var before = await CompletedAsync();
        await Rc.LoadBalancedView().ForEachAsync(Enumerable.Range(0, 40), (int x) => File.WriteAllText(Path.Combine(dir, $"{x}"), $"{x * x}"));
        Assert.Equal(Enumerable.Range(0, 40).ToDictionary(x => x, x => $"{x * x}"), Marks());
        Assert.Equal(before + 40, await CompletedAsync());
    }

    [Fact]
    public async Task TokenBody_AsyncSource_RunsEveryItem()
    {
        var dir = _dir;
        await Rc.LoadBalancedView().ForEachAsync(Counting(30), async (int x, CancellationToken token) =>
        {
            await Task.Delay(1, token);
            await File.WriteAllTextAsync(Path.Combine(dir, $"{x}"), $"{x + 1}", token);
        });
        Assert.Equal(Enumerable.Range(0, 30).ToDictionary(x => x, x => $"{x + 1}"), Marks());
    }

    [Fact]
    public async Task TaskBody_BothSources_RunEveryItem()
    {
        var dir = _dir;
        var lb = Rc.LoadBalancedView();
        await lb.ForEachAsync(Enumerable.Range(0, 10), async (int x) => await File.WriteAllTextAsync(Path.Combine(dir, $"{x}"), "sync source"));
        await lb.ForEachAsync(Counting(20).Where(x => x >= 10), async (int x) => await File.WriteAllTextAsync(Path.Combine(dir, $"{x}"), "async source"));
        await lb.ForEachAsync(Counting(25).Where(x => x >= 20), (int x) => File.WriteAllText(Path.Combine(dir, $"{x}"), "action"));
        var marks = Marks();
        Assert.Equal(Enumerable.Range(0, 25), marks.Keys.Order());
        Assert.All(Enumerable.Range(0, 10), x => Assert.Equal("sync source", marks[x]));
        Assert.All(Enumerable.Range(10, 10), x => Assert.Equal("async source", marks[x]));
        Assert.All(Enumerable.Range(20, 5), x => Assert.Equal("action", marks[x]));
    }

    [Fact]
    public async Task EmptySource_EndsWithoutTasks()
    {
        var before = await CompletedAsync();
        await Rc.LoadBalancedView().ForEachAsync(Array.Empty<int>(), (int x) => throw new InvalidOperationException());
        Assert.Equal(before, await CompletedAsync());
    }

    [Fact]
    public async Task FailingBody_RaisesItsErrorAndStopsReading()
    {
        var read = 0;
        IEnumerable<int> Source()
        {
            for (var i = 0; i < 10_000; i++)
            {
                read = i + 1;
                yield return i;
            }
        }
        var lb = Rc.LoadBalancedView();
        var e = await Assert.ThrowsAsync<RemoteException>(() => lb.ForEachAsync(Source(), (int x) =>
        {
            if (x == 3) throw new InvalidOperationException("three is bad");
            Thread.Sleep(20);
        }));
        Assert.Equal(typeof(InvalidOperationException).FullName, e.RemoteType);
        Assert.Contains("three is bad", e.RemoteMessage);
        Assert.True(read < 1_000, $"read {read} items after the body failed");
        // What was still in flight was aborted or finished; nothing waits.
        Assert.True(await lb.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Cancelled_StopsSubmittingAndAbortsRunningBodies()
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
        using var cancel = new CancellationTokenSource();
        var run = lb.ForEachAsync(Endless(), async (int x, CancellationToken token) => await Task.Delay(TimeSpan.FromSeconds(30), token), cancel.Token);
        await ClusterAssert.EventuallyAsync(async () => (await Rc.QueueStatusAsync()).Engines.All(s => s.Running is not null), "every engine runs a body");
        var readBefore = read;
        await cancel.CancelAsync();
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        // The running bodies saw their token: the engines are free long before the 30 s delays end.
        await ClusterAssert.EventuallyAsync(async () => (await Rc.QueueStatusAsync()).Engines.All(s => s.Running is null && s.QueueLength == 0), "the engines are idle");
        Assert.True(await lb.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(20), $"took {stopwatch.Elapsed} to stop");
        Assert.Equal(readBefore, read);
        Assert.True(read < 1_000, $"read {read} items of an endless source");
    }

    [Fact]
    public async Task AlreadyCancelled_ReadsAndSendsNothing()
    {
        var read = 0;
        IEnumerable<int> Source()
        {
            read++;
            yield return 1;
        }
        var before = await CompletedAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Rc.LoadBalancedView().ForEachAsync(Source(), (int x) => { }, new CancellationToken(canceled: true)));
        Assert.Equal(0, read);
        Assert.True(await Rc.WaitAsync(TimeSpan.Zero));
        Assert.Equal(before, await CompletedAsync());
    }

    [Fact]
    public void NullSourceOrBody_RefusedBeforeATaskExists()
    {
        var lb = Rc.LoadBalancedView();
        Assert.Equal("source", Assert.Throws<ArgumentNullException>(() => { _ = lb.ForEachAsync((IEnumerable<int>)null!, (int x) => { }); }).ParamName);
        Assert.Equal("source", Assert.Throws<ArgumentNullException>(() => { _ = lb.ForEachAsync((IAsyncEnumerable<int>)null!, (int x, CancellationToken t) => ValueTask.CompletedTask); }).ParamName);
        Assert.Equal("body", Assert.Throws<ArgumentNullException>(() => { _ = lb.ForEachAsync([1], (Action<int>)null!); }).ParamName);
        Assert.Equal("body", Assert.Throws<ArgumentNullException>(() => { _ = lb.ForEachAsync([1], (Func<int, Task>)null!); }).ParamName);
        Assert.Equal("body", Assert.Throws<ArgumentNullException>(() => { _ = lb.ForEachAsync(Counting(1), (Func<int, CancellationToken, ValueTask>)null!); }).ParamName);
    }
}
