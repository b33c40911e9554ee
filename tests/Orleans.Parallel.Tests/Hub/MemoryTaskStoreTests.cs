using Orleans.Parallel.Engine;
using Orleans.Parallel.Grains.Hub.Store;
using Orleans.Parallel.Hub;
using Orleans.Parallel.Wire;
using TaskStatus = Orleans.Parallel.Engine.TaskStatus;

namespace Orleans.Parallel.Tests.Hub;

/// <summary>The store contract on the in-memory store, and what only it does: limits, culling and the size estimate.</summary>
public sealed class MemoryTaskStoreTests : TaskStoreContract
{
    private static readonly DateTime T0 = new(2026, 3, 4, 5, 6, 7, DateTimeKind.Utc);

    protected override Task<ITaskStore> CreateStoreAsync() => Task.FromResult<ITaskStore>(new MemoryTaskStore(new TaskStoreOptions()));

    private static TaskRecord Done(int i, string? stdout = null) =>
        new() { MsgId = Guid.NewGuid(), EngineId = 0, Submitted = T0.AddSeconds(i), Completed = T0.AddSeconds(i + 1), Status = TaskStatus.Ok, Stdout = stdout };

    private static TaskRecord Pending(int i, string? stdout = null) =>
        new() { MsgId = Guid.NewGuid(), Submitted = T0.AddSeconds(i), Stdout = stdout };

    private static Guid[] Ids(IEnumerable<TaskRecord> records) => records.Select(r => r.MsgId).ToArray();

    [Fact]
    public async Task RecordLimit_Passed_CullsOldestFinished_DownToTheCullFraction_KeepingPending()
    {
        var store = new MemoryTaskStore(new TaskStoreOptions { RecordLimit = 10, CullFraction = 0.5 });
        var records = Enumerable.Range(0, 10).Select(i => i < 3 ? Pending(i) : Done(i)).ToArray();
        await store.SaveAsync(records);
        Assert.Equal(10, store.Count);

        var last = Done(10);
        await store.SaveAsync([last]);

        // 11 > 10: down to 5, culling the 6 oldest finished (3..8); the 3 pending stay.
        Assert.Equal([.. Ids(records[..3]), records[9].MsgId, last.MsgId], await store.HistoryAsync());
        Assert.Empty(await store.GetAsync(Ids(records[3..9])));
    }

    [Fact]
    public async Task RecordLimit_AllPending_NothingCulled_UntilTheyEnd()
    {
        var store = new MemoryTaskStore(new TaskStoreOptions { RecordLimit = 4, CullFraction = 0.5 });
        var records = Enumerable.Range(0, 6).Select(i => Pending(i)).ToArray();
        await store.SaveAsync(records);
        Assert.Equal(6, store.Count);

        // Two end: the store is still over its limit, so both go (it cannot reach 2 without pending ones).
        await store.SaveAsync([records[4] with { Status = TaskStatus.Ok }, records[1] with { Status = TaskStatus.Error }]);

        Assert.Equal(Ids(records.Where((_, i) => i is not (1 or 4))), await store.HistoryAsync());
    }

    [Fact]
    public async Task SizeLimit_Passed_CullsOldestFinished_UntilUnderTheFraction()
    {
        var record = Done(0, new string('x', 10_000));
        var each = MemoryTaskStore.SizeOf(record);
        var store = new MemoryTaskStore(new TaskStoreOptions { SizeLimit = each * 10, CullFraction = 0.4 });
        var records = Enumerable.Range(0, 10).Select(i => i == 0 ? Pending(i, record.Stdout) : Done(i, record.Stdout)).ToArray();
        await store.SaveAsync(records);
        Assert.Equal(10, store.Count);
        Assert.Equal(each * 10, store.Size);

        var last = Done(10, record.Stdout);
        await store.SaveAsync([last]);

        // 11 records > 10: down to 6, culling the 5 oldest finished (1..5); the pending one stays.
        Assert.Equal([records[0].MsgId, .. Ids(records[6..]), last.MsgId], await store.HistoryAsync());
        Assert.Equal(each * 6, store.Size);
    }

    [Fact]
    public async Task Culled_LatePieces_AreDropped_NotMadeIntoPendingRecords()
    {
        var store = new MemoryTaskStore(new TaskStoreOptions { RecordLimit = 2, CullFraction = 0.5 });
        var records = Enumerable.Range(0, 3).Select(i => Done(i)).ToArray();
        await store.SaveAsync(records);
        Assert.Equal([records[2].MsgId], await store.HistoryAsync());

        await store.SaveAsync([new TaskRecord { MsgId = records[0].MsgId, EngineId = 1, Started = T0 }]);
        await store.PurgeAsync([records[2].MsgId]);
        await store.SaveAsync([new TaskRecord { MsgId = records[2].MsgId, Received = T0 }]);

        Assert.Empty(await store.HistoryAsync());
    }

    [Fact]
    public async Task History_UnknownSubmittedGoesLast_TiesByArrival_AndMovesWhenKnown()
    {
        var store = new MemoryTaskStore(new TaskStoreOptions());
        var early = Guid.NewGuid();
        var sameA = Guid.NewGuid();
        var sameB = Guid.NewGuid();
        var unknown = Guid.NewGuid();
        await store.SaveAsync([new TaskRecord { MsgId = early, Status = TaskStatus.Ok }]);
        await store.SaveAsync([new TaskRecord { MsgId = unknown }]);
        await store.SaveAsync([new TaskRecord { MsgId = sameB, Submitted = T0.AddSeconds(5) }]);
        await store.SaveAsync([new TaskRecord { MsgId = sameA, Submitted = T0.AddSeconds(5) }]);

        Assert.Equal([sameB, sameA, early, unknown], await store.HistoryAsync());

        await store.SaveAsync([new TaskRecord { MsgId = early, Submitted = T0 }]);

        Assert.Equal([early, sameB, sameA, unknown], await store.HistoryAsync());
    }

    [Fact]
    public void SizeOf_GrowsWithTextArraysAndRequests()
    {
        var bare = new TaskRecord { MsgId = Guid.NewGuid() };
        Assert.Equal(MemoryTaskStore.RecordOverhead, MemoryTaskStore.SizeOf(bare));

        Assert.True(MemoryTaskStore.SizeOf(bare with { Stdout = new string('x', 1000) }) >= MemoryTaskStore.RecordOverhead + 2000);
        Assert.True(MemoryTaskStore.SizeOf(bare with { Result = new PackedArray("System.Double", new byte[80_000]) }) >= 80_000);
        Assert.True(MemoryTaskStore.SizeOf(bare with { Result = new double[10_000] }) >= 80_000);
        Assert.True(MemoryTaskStore.SizeOf(bare with { Result = new object?[] { new string('y', 500), new int[250] } }) >= 2000);
        Assert.True(MemoryTaskStore.SizeOf(bare with { Result = new UserValue("T", [], new byte[5000]) }) >= 5000);
        Assert.True(MemoryTaskStore.SizeOf(bare with { Request = new ExecuteRequest(new string('c', 3000)) }) >= 6000);
        Assert.True(MemoryTaskStore.SizeOf(bare with { Request = new PushRequest(new Dictionary<string, object?> { ["a"] = new byte[4000] }) }) >= 4000);

        // A large list is estimated from a sample: about linear, not walked to the end.
        var small = MemoryTaskStore.SizeOf(bare with { Result = Enumerable.Range(0, 2_000).Select(i => (object?)"abcd").ToArray() });
        var large = MemoryTaskStore.SizeOf(bare with { Result = Enumerable.Range(0, 200_000).Select(i => (object?)"abcd").ToArray() });
        Assert.InRange(large - MemoryTaskStore.RecordOverhead, 90 * (small - MemoryTaskStore.RecordOverhead), 110 * (small - MemoryTaskStore.RecordOverhead));
    }

    [Fact]
    public async Task Size_FollowsMergesAndRemovals()
    {
        var store = new MemoryTaskStore(new TaskStoreOptions());
        var id = Guid.NewGuid();
        await store.SaveAsync([new TaskRecord { MsgId = id, Submitted = T0 }]);
        await store.SaveAsync([new TaskRecord { MsgId = id, Status = TaskStatus.Ok, Stdout = new string('o', 100) }]);

        Assert.Equal(MemoryTaskStore.SizeOf(Assert.Single(await store.GetAsync([id]))), store.Size);

        await store.PurgeAsync(null);
        Assert.Equal(0, store.Size);
    }

    [Fact]
    public async Task ConcurrentSaves_AllKept_InSubmissionOrder()
    {
        var store = new MemoryTaskStore(new TaskStoreOptions());
        var records = Enumerable.Range(0, 400).Select(i => Done(i)).ToArray();

        await Task.WhenAll(records.Chunk(10).Select(chunk => Task.Run(async () =>
        {
            foreach (var record in chunk)
            {
                await store.SaveAsync([record with { Status = TaskStatus.Pending, Completed = null }]);
                await store.SaveAsync([record]);
            }
        })));

        Assert.Equal(Ids(records), await store.HistoryAsync());
        Assert.Equal(400, (await store.QueryAsync(TaskQuery.Where(TaskField.Status, QueryOperator.Eq, TaskStatus.Ok))).Count);
    }

    [Fact]
    public async Task OverlappingBatches_LateSubmittedTimes_AndPurges_KeepTheSubmissionOrder()
    {
        // Batches from several silos overlap in time, some pieces learn their submitted time late, and
        // purges leave gaps: after each step the history is exactly the records sorted by submitted
        // time (unknown last), ties by first arrival.
        var store = new MemoryTaskStore(new TaskStoreOptions());
        var random = new Random(7);
        var expected = new Dictionary<Guid, (long Key, int Arrival)>();
        var arrivals = 0;
        for (var step = 0; step < 60; step++)
        {
            var batch = new List<TaskRecord>();
            var from = step * 40 - random.Next(0, 120); // overlaps the last few batches
            for (var i = 0; i < 50; i++)
            {
                var known = random.Next(10) > 0;
                var record = new TaskRecord
                {
                    MsgId = Guid.NewGuid(),
                    Submitted = known ? T0.AddMilliseconds(from + random.Next(0, 60)) : null,
                    Status = TaskStatus.Ok,
                };
                batch.Add(record);
                expected[record.MsgId] = (record.Submitted?.Ticks ?? long.MaxValue, arrivals++);
            }
            // A few earlier records without a time learn it now, which moves them.
            foreach (var id in expected.Where(e => e.Value.Key == long.MaxValue).Select(e => e.Key).Take(2).ToList())
            {
                var submitted = T0.AddMilliseconds(random.Next(0, step * 40 + 1));
                batch.Add(new TaskRecord { MsgId = id, Submitted = submitted });
                expected[id] = (submitted.Ticks, expected[id].Arrival);
            }
            await store.SaveAsync(batch);
            if (step % 7 == 3)
            {
                var victims = expected.Keys.Where(_ => random.Next(5) == 0).ToList();
                await store.PurgeAsync(victims);
                foreach (var id in victims) expected.Remove(id);
            }
            if (step % 5 == 0 || step == 59)
            {
                var order = expected.OrderBy(e => e.Value.Key).ThenBy(e => e.Value.Arrival).Select(e => e.Key).ToArray();
                Assert.Equal(order, await store.HistoryAsync());
            }
        }
        Assert.Equal(expected.Count, store.Count);
        Assert.Equal(expected.Count * MemoryTaskStore.RecordOverhead, store.Size);
    }

    [Fact]
    public void Constructor_BadOptions_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MemoryTaskStore(new TaskStoreOptions { RecordLimit = 0 }));
    }
}
