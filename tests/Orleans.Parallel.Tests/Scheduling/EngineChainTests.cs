using Microsoft.Extensions.DependencyInjection;
using Orleans.Parallel.Errors;
using Orleans.Parallel.Grains.Scheduling;
using Orleans.Parallel.Registry;
using Orleans.Parallel.Results;
using Orleans.Parallel.Tests.Cluster;
using Orleans.Parallel.Views;
using Orleans.Runtime;
using TaskStatus = Orleans.Parallel.Engine.TaskStatus;

namespace Orleans.Parallel.Tests.Scheduling;

/// <summary>
/// Load-balanced tasks run back to back on the engine thread: a task from the engine's own silo's
/// queue is finished where it ran (its reply goes to the silo's reply outbox, its report to the queue
/// is a method call) and the queue's next task starts at once. These tests stream many tasks through
/// that path and mix in everything that must fall back to the grain's drain loop: direct tasks,
/// replies that go two-way, results sent in bulk, failures that go back to the queue, a new session
/// whose code must be fetched, aborts.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class EngineChainTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private ParallelClient Rc => fixture.Client;

    /// <summary>A unique namespace variable name: tests share the cluster.</summary>
    private static string Unique(string prefix) => $"{prefix}_{Guid.NewGuid():N}";

    // The in-process engines run the test assembly's code, so these statics count runs on every engine.
    private static int[] _chainHits = [];
    private static int _flakyRuns;
    private static int _abortRuns;

    private static int Hit(int i)
    {
        Interlocked.Increment(ref _chainHits[i]);
        return i;
    }

    private static int CountAbortRun(int i)
    {
        Interlocked.Increment(ref _abortRuns);
        return i;
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out waiting until {what}.");
            await Task.Delay(10);
        }
    }

    /// <summary>Every task given has ended within <see cref="Patience"/> (all waited for at once).</summary>
    private static async Task EndedAsync(IEnumerable<AsyncResult> results)
    {
        var all = results.ToArray();
        var ended = await Task.WhenAll(all.Select(r => r.WaitAsync(Patience)));
        var hanging = all.Where((_, i) => !ended[i]).ToArray();
        Assert.True(hanging.Length == 0,
            $"{hanging.Length} of {all.Length} task(s) did not end, e.g. {string.Join(", ", hanging.Take(5).Select(r => r.MsgIds[0]))}");
    }

    /// <summary>Nothing of this client outstanding, and no engine running or holding a task.</summary>
    private async Task IdleAsync()
    {
        Assert.True(await Rc.WaitAsync(Patience), "tasks of an earlier test are still outstanding");
        await EventuallyAsync(async () => (await Rc.QueueStatusAsync()).Engines.All(s => s.Running is null && s.QueueLength == 0),
            "the engines are idle");
    }

    private async Task<long> CompletedSumAsync() => (await Rc.QueueStatusAsync()).Engines.Sum(s => s.Completed);

    /// <summary>Engine id to the name of the silo it runs on.</summary>
    private async Task<Dictionary<int, string>> SiloOfEnginesAsync()
    {
        var directory = await fixture.Cluster.Client.GetGrain<IEngineRegistryGrain>(0).GetEnginesAsync();
        return directory.Engines.ToDictionary(e => e.EngineId, e => e.SiloName);
    }

    /// <summary>The engines living on the silo whose task queue holds <paramref name="result"/>'s task (the engines that chain its tasks).</summary>
    private async Task<HashSet<int>> EnginesOfQueueAsync(AsyncResult result)
    {
        // A quick task's reply can overtake the scheduler's answer that names its queue (the client
        // learns the queue when SubmitAsync returns): under load the result is often done first.
        await EventuallyAsync(() => Task.FromResult(result.Messages[0].Queue is not null), "the client knows which queue took the task");
        var queue = result.Messages[0].Queue!.Queue;
        var silo = fixture.Cluster.Silos.Single(s => s.SiloAddress.ToParsableString() == queue);
        var name = silo.SiloHost.Services.GetRequiredService<ILocalSiloDetails>().Name;
        return [.. (await SiloOfEnginesAsync()).Where(e => e.Value == name).Select(e => e.Key)];
    }

    /// <summary>No silo's task queue holds a waiting task.</summary>
    private bool QueuesEmpty() =>
        fixture.Cluster.Silos.All(s => s.SiloHost.Services.GetRequiredService<SiloTaskQueue>().Waiting().Count == 0);

    /// <summary>
    /// Every engine still takes load-balanced tasks: one task aimed at each engine alone runs there.
    /// An engine whose count of held load-balanced tasks leaked would never take one again.
    /// </summary>
    private async Task EveryEngineTakesBalancedTasksAsync()
    {
        var probes = Rc.Ids.Select(id => (Id: id, Result: Rc.LoadBalancedView([id]).ApplyAsync((int x) => x * 3, id))).ToArray();
        await EndedAsync(probes.Select(p => p.Result));
        foreach (var (id, result) in probes)
        {
            Assert.Equal(id * 3, await result);
            Assert.Equal(id, result.Metadata[0].EngineId);
        }
    }

    // ---- 1. a long stream of tiny tasks ----

    [Fact]
    public async Task Chain_ManyTinyTasks_EachRunsOnceWithItsResult_CompletedCountersGrowByTheCount()
    {
        const int Count = 2000;
        await IdleAsync();
        var before = await CompletedSumAsync();
        _chainHits = new int[Count];

        var lb = Rc.LoadBalancedView();
        var results = Enumerable.Range(0, Count).Select(i => lb.ApplyAsync(() => Hit(i))).ToArray();
        await EndedAsync(results);

        for (var i = 0; i < Count; i++)
        {
            Assert.Equal(TaskStatus.Ok, results[i].Metadata[0].Status);
            Assert.Equal(i, await results[i]);
        }
        var twice = Enumerable.Range(0, Count).Where(i => Volatile.Read(ref _chainHits[i]) != 1).ToArray();
        Assert.True(twice.Length == 0,
            $"{twice.Length} task(s) did not run exactly once, e.g. {string.Join(", ", twice.Take(5).Select(i => $"#{i} ran {_chainHits[i]}x"))}");

        await IdleAsync();
        Assert.Equal(before + Count, await CompletedSumAsync());

        // The stream went through the engines that chain (those on the queue's silo), not only the others.
        var chaining = await EnginesOfQueueAsync(results[0]);
        Assert.NotEmpty(chaining);
        Assert.Contains(results, r => chaining.Contains(r.Metadata[0].EngineId));
    }

    // ---- 2. direct tasks interleaved with the stream ----

    [Fact]
    public async Task Chain_DirectTasksInterleaved_RunInSubmissionOrder_AndEveryBalancedTaskEnds()
    {
        const int Balanced = 1000, Every = 40;
        var name = Unique("chain_counter");
        var ids = Rc.Ids;
        try
        {
            await IdleAsync();
            await Rc[..].PushAsync(new Dictionary<string, object?> { [name] = new List<int>() });

            var lb = Rc.LoadBalancedView();
            var balanced = new List<AsyncResult<int>>(Balanced);
            var direct = ids.ToDictionary(id => id, _ => new List<AsyncResult<int>>());
            for (var i = 0; i < Balanced; i++)
            {
                var x = i;
                balanced.Add(lb.ApplyAsync(() => x + 1));
                if (i % Every != 0) continue;
                foreach (var id in ids)
                    direct[id].Add(Rc[id].ApplyAsync((List<int> log) => { log.Add(log.Count + 1); return log.Count; }, new Reference<List<int>>(name)));
            }
            await EndedAsync([.. balanced, .. direct.Values.SelectMany(d => d)]);

            for (var i = 0; i < Balanced; i++) Assert.Equal(i + 1, await balanced[i]);
            var perEngine = Balanced / Every;
            foreach (var id in ids)
            {
                var values = new List<int>();
                foreach (var result in direct[id])
                {
                    values.Add(await result);
                    Assert.Equal(id, result.Metadata[0].EngineId);
                }
                Assert.Equal(Enumerable.Range(1, perEngine), values);
                Assert.Equal(Enumerable.Range(1, perEngine), await Rc[id].PullAsync<List<int>>(name));
            }
            await EveryEngineTakesBalancedTasksAsync();
        }
        finally
        {
            await Rc[..].ClearAsync();
        }
    }

    // ---- 3. replies that take the fast path and replies that do not ----

    [Fact]
    public async Task Chain_MixedResults_OneWayTwoWayAndBulk_AllArriveIntact()
    {
        const int Count = 300;
        const int BigString = 70_000; // over the 64 Ki-character limit of a one-way reply
        const int BulkLength = 40_000; // 320 KB of doubles: offered in bulk
        await IdleAsync();
        var lb = Rc.LoadBalancedView();
        var checks = new List<(AsyncResult Result, Func<Task> Check)>(Count);
        for (var i = 0; i < Count; i++)
        {
            var x = i;
            switch (i % 6)
            {
                case 0:
                    var number = lb.ApplyAsync(() => x * 7);
                    checks.Add((number, async () => Assert.Equal(x * 7, await number)));
                    break;
                case 1:
                    var small = lb.ApplyAsync(() => $"s{x}");
                    checks.Add((small, async () => Assert.Equal($"s{x}", await small)));
                    break;
                case 2:
                    var large = lb.ApplyAsync(() => new string((char)('a' + x % 26), BigString) + x);
                    checks.Add((large, async () => Assert.Equal(new string((char)('a' + x % 26), BigString) + x, await large)));
                    break;
                case 3:
                    var list = lb.ApplyAsync(() => new List<int> { x, x + 1, x + 2 });
                    checks.Add((list, async () => Assert.Equal([x, x + 1, x + 2], await list)));
                    break;
                case 4:
                    var array = lb.ApplyAsync(() => new[] { x, -x, 2 * x });
                    checks.Add((array, async () => Assert.Equal([x, -x, 2 * x], await array)));
                    break;
                default:
                    if (i % 60 == 5)
                    {
                        var bulk = lb.ApplyAsync(() => Enumerable.Range(0, BulkLength).Select(k => (double)(k + x)).ToArray());
                        checks.Add((bulk, async () =>
                        {
                            var values = await bulk;
                            Assert.Equal(BulkLength, values.Length);
                            Assert.Equal(x, values[0]);
                            Assert.Equal(BulkLength - 1 + x, values[^1]);
                        }));
                    }
                    else
                    {
                        var nothing = lb.ApplyAsync(() => (string?)null);
                        checks.Add((nothing, async () => Assert.Null(await nothing)));
                    }
                    break;
            }
        }
        await EndedAsync(checks.Select(c => c.Result));
        foreach (var (result, check) in checks)
        {
            Assert.True(result.Metadata[0].Status == TaskStatus.Ok, $"task {result.MsgIds[0]} ended {result.Metadata[0].Status}: {result.Metadata[0].Error}");
            await check();
        }
        await EveryEngineTakesBalancedTasksAsync();
    }

    // ---- 4. failures that go back to the queue ----

    [Fact]
    public async Task Chain_RetriesAwayFromOneFailingEngine_EveryTaskSucceedsElsewhere()
    {
        const int Count = 200;
        var name = Unique("chain_flaky");
        var lb = Rc.LoadBalancedView();
        try
        {
            await IdleAsync();
            // The failing engine is one that chains: its failures go back to the queue from the engine thread.
            var probe = lb.ApplyAsync(() => 1);
            Assert.Equal(1, await probe);
            var flaky = (await EnginesOfQueueAsync(probe)).Min();
            await Rc[Rc.Ids.Where(id => id != flaky)].PushAsync(new Dictionary<string, object?> { [name] = false });
            await Rc[flaky].PushAsync(new Dictionary<string, object?> { [name] = true });
            await IdleAsync();
            var before = await CompletedSumAsync();
            Volatile.Write(ref _flakyRuns, 0);

            var retrying = lb.With(retries: 1);
            var results = Enumerable.Range(0, Count)
                .Select(i => retrying.ApplyAsync((bool fails, int x) =>
                {
                    if (!fails) return x;
                    Interlocked.Increment(ref _flakyRuns);
                    throw new InvalidOperationException("flaky engine");
                }, new Reference<bool>(name), i))
                .ToArray();
            await EndedAsync(results);

            for (var i = 0; i < Count; i++)
            {
                var metadata = results[i].Metadata[0];
                Assert.True(metadata.Status == TaskStatus.Ok, $"task {i} ended {metadata.Status} on engine {metadata.EngineId}: {metadata.Error}");
                Assert.Equal(i, await results[i]);
                Assert.NotEqual(flaky, metadata.EngineId);
            }
            var failedRuns = Volatile.Read(ref _flakyRuns);
            Assert.True(failedRuns > 0, $"engine {flaky} never got one of the {Count} tasks, so no failure went back to the queue");
            // Each run, failed or not, counts once: nothing ran twice, nothing was lost.
            await IdleAsync();
            Assert.Equal(before + Count + failedRuns, await CompletedSumAsync());
            await EveryEngineTakesBalancedTasksAsync();
        }
        finally
        {
            await Rc[..].ClearAsync();
        }
    }

    // ---- 5. abort in the middle of a stream ----

    [Fact]
    public async Task Chain_AbortDuringStream_EveryTaskEndsOkOrAborted_AbortedNeverRan_EnginesStillWork()
    {
        const int Count = 3000, SlowEvery = 600;
        await IdleAsync();
        var ranBefore = Volatile.Read(ref _abortRuns);
        var lb = Rc.LoadBalancedView();
        var results = Enumerable.Range(0, Count)
            .Select(i => i % SlowEvery == SlowEvery / 2
                ? lb.ApplyAsync(() => { Thread.Sleep(300); return CountAbortRun(i); })
                : lb.ApplyAsync(() => CountAbortRun(i)))
            .ToArray();
        await EventuallyAsync(() => Task.FromResult(results.Count(r => r.Ready) >= 100), "the stream is under way");

        await lb.AbortAsync();
        await EndedAsync(results);

        var ok = 0;
        for (var i = 0; i < Count; i++)
        {
            var result = results[i];
            var metadata = result.Metadata[0];
            if (metadata.Status == TaskStatus.Ok)
            {
                ok++;
                Assert.Equal(i, await result);
                continue;
            }
            // Aborted at a queue, at an engine, or on the client before it left: status Aborted all the same.
            Assert.True(metadata.Status == TaskStatus.Aborted, $"task {i} ended {metadata.Status}: {metadata.Error}");
            var e = await Assert.ThrowsAsync<TaskAbortedException>(async () => await result);
            Assert.Equal(result.MsgIds[0], e.MsgId);
            Assert.Null(metadata.Started);
        }
        Assert.True(ok >= 100, $"only {ok} tasks ran");
        Assert.True(ok < Count, "the abort came after every task had ended: it tested nothing");

        // Once nothing waits anywhere, exactly the tasks reported ok have run: none reported aborted ran anyway.
        await IdleAsync();
        await EventuallyAsync(() => Task.FromResult(QueuesEmpty()), "the task queues are empty");
        await IdleAsync();
        Assert.Equal(ok, Volatile.Read(ref _abortRuns) - ranBefore);

        var fresh = Enumerable.Range(0, 20).Select(i => lb.ApplyAsync(() => i + 100)).ToArray();
        await EndedAsync(fresh);
        for (var i = 0; i < fresh.Length; i++) Assert.Equal(i + 100, await fresh[i]);
        await EveryEngineTakesBalancedTasksAsync();
    }

    // ---- 6. errors on the chain ----

    [Fact]
    public async Task Chain_FailingTasksInterleaved_EndWithRemoteException_OthersSucceed()
    {
        const int Count = 600;
        await IdleAsync();
        var before = await CompletedSumAsync();
        var lb = Rc.LoadBalancedView();
        var results = Enumerable.Range(0, Count)
            .Select(i => lb.ApplyAsync(() =>
            {
                if (i % 5 != 0) return i;
                Console.Write($"failing {i}");
                throw new InvalidOperationException($"bad {i}");
            }))
            .ToArray();
        await EndedAsync(results);

        for (var i = 0; i < Count; i++)
        {
            var result = results[i];
            var metadata = result.Metadata[0];
            if (i % 5 != 0)
            {
                Assert.Equal(TaskStatus.Ok, metadata.Status);
                Assert.Equal(i, await result);
                Assert.Equal("", metadata.Stdout);
                continue;
            }
            Assert.Equal(TaskStatus.Error, metadata.Status);
            var e = await Assert.ThrowsAsync<RemoteException>(async () => await result);
            Assert.Equal(typeof(InvalidOperationException).FullName, e.RemoteType);
            Assert.Equal($"bad {i}", e.RemoteMessage);
            Assert.Equal(result.MsgIds[0], e.MsgId);
            Assert.Equal(metadata.EngineId, e.EngineId);
            Assert.Contains(metadata.EngineId, Rc.Ids);
            Assert.NotNull(metadata.Started);
            Assert.Equal($"failing {i}", metadata.Stdout);
        }
        await IdleAsync();
        Assert.Equal(before + Count, await CompletedSumAsync());
        await EveryEngineTakesBalancedTasksAsync();
    }

    // ---- 7. output ----

    [Fact]
    public async Task Chain_TasksWritingOutput_EachResultHasOnlyItsOwnOutput()
    {
        const int Count = 200;
        await IdleAsync();
        var lb = Rc.LoadBalancedView();
        var results = Enumerable.Range(0, Count)
            .Select(i => lb.ApplyAsync(() =>
            {
                Console.Write($"<out {i}>");
                if (i % 3 == 0) Console.WriteLine($"[line {i}]");
                Console.Error.Write($"<err {i}>");
                return i;
            }))
            .ToArray();
        await EndedAsync(results);

        for (var i = 0; i < Count; i++)
        {
            var result = results[i];
            Assert.Equal(i, await result);
            var expected = $"<out {i}>" + (i % 3 == 0 ? $"[line {i}]{Environment.NewLine}" : "");
            Assert.Equal([expected], result.Stdout);
            Assert.Equal(expected, result.Metadata[0].Stdout);
            Assert.Equal([$"<err {i}>"], result.Stderr);
        }
    }

    // ---- 8. a new session's code must be fetched ----

    [Fact]
    public async Task Chain_NewSessionJoinsTheStream_ItsCodeIsFetched_BothStreamsComplete()
    {
        const int Count = 500;
        await IdleAsync();
        await using var other = await ParallelClient.FromClusterClientAsync(fixture.Cluster.Client);
        await other.WaitForEnginesAsync(ClusterFixture.EngineCount, Patience);

        var lb = Rc.LoadBalancedView();
        var otherLb = other.LoadBalancedView();
        var mine = new List<AsyncResult<int>>(Count);
        var theirs = new List<AsyncResult<string>>(Count);
        for (var i = 0; i < Count; i++)
        {
            var x = i;
            mine.Add(lb.ApplyAsync(() => x - 1));
            theirs.Add(otherLb.ApplyAsync(() => $"other {x}"));
        }
        await EndedAsync([.. mine, .. theirs]);

        for (var i = 0; i < Count; i++)
        {
            Assert.Equal(i - 1, await mine[i]);
            Assert.Equal($"other {i}", await theirs[i]);
        }
        // Both sessions' tasks went to the same queue (one gateway), so they were chained on the same engines.
        Assert.Equal(mine[0].Messages[0].Queue?.Queue, theirs[0].Messages[0].Queue?.Queue);
        Assert.True(await other.WaitAsync(Patience));
    }
}
