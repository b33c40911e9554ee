using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Parallel.Bulk;
using Orleans.Parallel.Engine;
using Orleans.Parallel.Grains.Bulk;
using Orleans.Parallel.Grains.Hub;
using Orleans.Parallel.Grains.Hub.Store;
using Orleans.Parallel.Hub;
using Orleans.Parallel.Scheduling;
using Orleans.Parallel.Wire;
using TaskStatus = Orleans.Parallel.Engine.TaskStatus;

namespace Orleans.Parallel.Tests.Hub;

/// <summary>
/// A silo's task recorder, without a silo: the events engines and queues report become record
/// pieces, one per task per flush, and reach the store in batches, even when the store fails for a while.
/// </summary>
public sealed class TaskRecorderTests
{
    private static readonly DateTime T0 = new(2030, 5, 6, 7, 8, 9, DateTimeKind.Utc);
    private static readonly DateTime T1 = T0.AddSeconds(1), T2 = T0.AddSeconds(2);

    /// <summary>A store that keeps every batch it is given (a copy), and fails on demand.</summary>
    private sealed class RecordingStore : ITaskStore
    {
        private readonly Lock _gate = new();
        private readonly List<TaskRecord[]> _saved = [];
        private int _failures;

        /// <summary>How many of the next saves throw.</summary>
        public void FailNext(int times)
        {
            lock (_gate) _failures = times;
        }

        public int Attempts { get; private set; }

        public List<TaskRecord[]> Saved
        {
            get { lock (_gate) return [.. _saved]; }
        }

        public Task SaveAsync(IReadOnlyList<TaskRecord> records, CancellationToken cancellationToken = default)
        {
            lock (_gate)
            {
                Attempts++;
                if (_failures > 0)
                {
                    _failures--;
                    throw new IOException("the store is down");
                }
                _saved.Add([.. records]);
            }
            return Task.CompletedTask;
        }

        /// <summary>Every piece saved, in order.</summary>
        public TaskRecord[] Pieces => [.. Saved.SelectMany(b => b)];

        /// <summary>What a store that merges would hold: the pieces of each task merged in the order saved.</summary>
        public Dictionary<Guid, TaskRecord> Merged()
        {
            var merged = new Dictionary<Guid, TaskRecord>();
            foreach (var piece in Pieces)
                merged[piece.MsgId] = merged.TryGetValue(piece.MsgId, out var stored) ? TaskRecord.Merge(stored, piece) : piece;
            return merged;
        }

        public Task<IReadOnlyList<TaskRecord>> GetAsync(IReadOnlyList<Guid> msgIds, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<IReadOnlyList<TaskRecord>> QueryAsync(TaskQuery query, IReadOnlyCollection<TaskField>? keys = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<IReadOnlyList<Guid>> HistoryAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<int> PurgeAsync(IReadOnlyList<Guid>? msgIds, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }

    private sealed class Rig : IDisposable
    {
        private readonly ServiceProvider _services;

        public Rig(TaskStoreOptions? options = null)
        {
            _services = new ServiceCollection().AddSingleton<ITaskStore>(Store).BuildServiceProvider();
            Recorder = new TaskRecorder(_services, Options.Create(options ?? new TaskStoreOptions()), Bulk, NullLogger<TaskRecorder>.Instance);
        }

        public RecordingStore Store { get; } = new();
        public BulkOutbox Bulk { get; } = new();
        public TaskRecorder Recorder { get; }

        public void Dispose()
        {
            Recorder.Dispose();
            _services.Dispose();
        }
    }

    private static TaskReply Reply(Guid msgId, int engineId, object? result = null, TaskStatus status = TaskStatus.Ok, RemoteError? error = null,
        string stdout = "", string stderr = "", string? executeResult = null) =>
        new(msgId, engineId, status, result, error, T1, T2, stdout, stderr, executeResult);

    [Fact]
    public async Task Ended_BeforeFlush_EngineTask_OneRecordWithEveryField()
    {
        using var rig = new Rig();
        var (msgId, session) = (Guid.NewGuid(), Guid.NewGuid());
        var request = new ExecuteRequest("1 + 1");

        rig.Recorder.Submitted(new EngineTask(msgId, session, T0, request, Seq: 0, Label: "mine"), engineId: 3);
        rig.Recorder.Started(msgId, 3, T1);
        var before = DateTime.UtcNow;
        rig.Recorder.Ended(Reply(msgId, 3, result: 42, stdout: "out", stderr: "err", executeResult: "2"));
        var after = DateTime.UtcNow;
        await rig.Recorder.FlushAsync();

        var batch = Assert.Single(rig.Store.Saved);
        var record = Assert.Single(batch);
        Assert.Equal(msgId, record.MsgId);
        Assert.Equal(3, record.EngineId);
        Assert.Equal(T0, record.Submitted);
        Assert.Equal(T1, record.Started);
        Assert.Equal(T2, record.Completed);
        Assert.NotNull(record.Received);
        Assert.InRange(record.Received.Value, before, after);
        Assert.Equal(TaskStatus.Ok, record.Status);
        Assert.Equal("mine", record.Label);
        Assert.Equal(session, record.SessionId);
        Assert.Same(request, record.Request);
        Assert.Null(record.Placement);
        Assert.False(record.Balanced);
        Assert.Equal(42, record.Result);
        Assert.Null(record.Error);
        Assert.Equal("out", record.Stdout);
        Assert.Equal("err", record.Stderr);
        Assert.Equal("2", record.ExecuteResult);
        Assert.Null(record.ResubmittedFrom);
        Assert.Null(record.Resubmitted);
    }

    [Fact]
    public async Task Ended_BeforeFlush_BalancedTask_OneRecordWithPlacementAndTheEngineThatRanIt()
    {
        using var rig = new Rig();
        var (msgId, session) = (Guid.NewGuid(), Guid.NewGuid());
        var request = new ExecuteRequest("throw new Exception()");
        var placement = new TaskPlacement([1, 2], [0], Retries: 2, TimeSpan.FromSeconds(5), null);
        var error = new RemoteError("System.Exception", "boom", "at here", []);

        rig.Recorder.Submitted(new BalancedTask(msgId, T0, request, placement, "lb"), session);
        rig.Recorder.Started(msgId, 2, T1);
        rig.Recorder.Ended(Reply(msgId, 2, status: TaskStatus.Error, error: error, stderr: "trace"));
        await rig.Recorder.FlushAsync();

        var record = Assert.Single(Assert.Single(rig.Store.Saved));
        Assert.Equal(msgId, record.MsgId);
        Assert.Equal(2, record.EngineId);
        Assert.Equal(T0, record.Submitted);
        Assert.Equal(T1, record.Started);
        Assert.Equal(T2, record.Completed);
        Assert.NotNull(record.Received);
        Assert.Equal(TaskStatus.Error, record.Status);
        Assert.Equal("lb", record.Label);
        Assert.Equal(session, record.SessionId);
        Assert.Same(request, record.Request);
        Assert.Same(placement, record.Placement);
        Assert.True(record.Balanced);
        Assert.Null(record.Result);
        Assert.Same(error, record.Error);
        Assert.Equal("", record.Stdout);
        Assert.Equal("trace", record.Stderr);
        Assert.Null(record.ExecuteResult);
    }

    [Fact]
    public async Task Submitted_BalancedTask_NotYetStarted_PendingWithNoEngine()
    {
        using var rig = new Rig();
        var msgId = Guid.NewGuid();

        rig.Recorder.Submitted(new BalancedTask(msgId, T0, new ClearRequest(), TaskPlacement.Anywhere), Guid.NewGuid());
        await rig.Recorder.FlushAsync();

        var record = Assert.Single(rig.Store.Pieces);
        Assert.Equal(-1, record.EngineId);
        Assert.Equal(TaskStatus.Pending, record.Status);
        Assert.Same(TaskPlacement.Anywhere, record.Placement);
        Assert.True(record.Balanced);
        Assert.Null(record.Label);
        Assert.Null(record.Started);
        Assert.Null(record.Received);
    }

    [Fact]
    public async Task SeveralTasks_OneFlush_OneBatch_OneRecordEach()
    {
        using var rig = new Rig();
        var ids = Enumerable.Range(0, 10).Select(_ => Guid.NewGuid()).ToArray();

        foreach (var id in ids) rig.Recorder.Submitted(new EngineTask(id, Guid.NewGuid(), T0, new ClearRequest(), 0), 0);
        foreach (var id in ids) rig.Recorder.Started(id, 0, T1);
        foreach (var id in ids) rig.Recorder.Ended(Reply(id, 0));
        await rig.Recorder.FlushAsync();

        var batch = Assert.Single(rig.Store.Saved);
        Assert.Equal(ids.Order(), batch.Select(r => r.MsgId).Order());
        Assert.All(batch, r => Assert.Equal(TaskStatus.Ok, r.Status));
        Assert.All(batch, r => Assert.Equal(T0, r.Submitted));
    }

    [Fact]
    public async Task Ended_InALaterFlush_TwoPieces_MergeIntoTheOneFlushRecord()
    {
        using var split = new Rig();
        using var whole = new Rig();
        var (msgId, session) = (Guid.NewGuid(), Guid.NewGuid());
        var task = new EngineTask(msgId, session, T0, new ExecuteRequest("x"), 0, "split");
        var reply = Reply(msgId, 1, result: "done", stdout: "hi");

        split.Recorder.Submitted(task, 1);
        split.Recorder.Started(msgId, 1, T1);
        await split.Recorder.FlushAsync();
        split.Recorder.Ended(reply);
        await split.Recorder.FlushAsync();
        whole.Recorder.Submitted(task, 1);
        whole.Recorder.Started(msgId, 1, T1);
        whole.Recorder.Ended(reply);
        await whole.Recorder.FlushAsync();

        Assert.Equal(2, split.Store.Saved.Count);
        var (first, second) = (Assert.Single(split.Store.Saved[0]), Assert.Single(split.Store.Saved[1]));
        Assert.Equal(TaskStatus.Pending, first.Status);
        Assert.Equal(1, first.EngineId);
        Assert.Equal(T1, first.Started);
        Assert.Same(task.Request, first.Request);
        Assert.Null(first.Completed);
        Assert.Equal(TaskStatus.Ok, second.Status);
        Assert.Null(second.Submitted);
        Assert.Null(second.Request);
        Assert.Null(second.SessionId);
        Assert.Null(second.Label);
        Assert.Null(second.Balanced);

        var merged = TaskRecord.Merge(first, second);
        var one = Assert.Single(Assert.Single(whole.Store.Saved));
        Assert.Equal(one with { Received = null }, merged with { Received = null });
        Assert.NotNull(merged.Received);
    }

    [Fact]
    public async Task Started_AfterEnded_InTheSameFlush_DoesNotUndoTheEnd()
    {
        using var rig = new Rig();
        var msgId = Guid.NewGuid();

        rig.Recorder.Ended(Reply(msgId, 1));
        rig.Recorder.Started(msgId, 4, T2.AddSeconds(1)); // a late start, from a retry elsewhere
        await rig.Recorder.FlushAsync();

        var record = Assert.Single(rig.Store.Pieces);
        Assert.Equal(TaskStatus.Ok, record.Status);
        Assert.Equal(1, record.EngineId);
        Assert.Equal(T1, record.Started);
    }

    [Fact]
    public async Task Ended_WithBulkResult_RecordKeepsACopy_AndTheArrayStaysOnOffer()
    {
        using var rig = new Rig();
        var msgId = Guid.NewGuid();
        var array = new[] { 1.0, 2.0, 3.0 };
        var (token, _) = rig.Bulk.Offer(array, Guid.NewGuid());

        rig.Recorder.Ended(Reply(msgId, 0, result: new BulkRef(token, "System.Double", 24, null)));
        await rig.Recorder.FlushAsync();

        var record = Assert.Single(rig.Store.Pieces);
        Assert.Equal(array, PackedArray.Unpack(Assert.IsType<PackedArray>(record.Result)));
        Assert.Same(array, rig.Bulk.Claim(token)?.Array); // the client can still fetch it
    }

    [Fact]
    public async Task Ended_WithBulkResultOverMaxResultBytes_RecordedAsNotKept()
    {
        using var rig = new Rig(new TaskStoreOptions { MaxResultBytes = 16 });
        var msgId = Guid.NewGuid();
        var (token, _) = rig.Bulk.Offer(new double[3], Guid.NewGuid());

        rig.Recorder.Ended(Reply(msgId, 0, result: new BulkRef(token, "System.Double", 24, null)));
        await rig.Recorder.FlushAsync();

        Assert.Equal(new ResultNotKept("System.Double[]", 24, 16), Assert.Single(rig.Store.Pieces).Result);
    }

    [Fact]
    public async Task SkipRequest_Submitted_NotRecorded()
    {
        using var rig = new Rig();
        var (skipped, kept) = (Guid.NewGuid(), Guid.NewGuid());

        rig.Recorder.Submitted(new EngineTask(skipped, Guid.NewGuid(), T0, new SkipRequest(), 0), 0);
        rig.Recorder.Submitted(new EngineTask(kept, Guid.NewGuid(), T0, new ClearRequest(), 1), 0);
        await rig.Recorder.FlushAsync();

        Assert.Equal(kept, Assert.Single(rig.Store.Pieces).MsgId);
    }

    /// <summary>
    /// The engine runs a skip like any task: it reports its start and its end (status ok, no
    /// result) under the msg id of the task the client could not send. Those pieces alone make a
    /// record that says a task that failed on the client succeeded, and if the real task did reach
    /// the engine they overwrite its end.
    /// </summary>
    [Fact]
    public async Task SkipRequest_StartedAndEnded_AsTheEngineReportsThem_NotRecorded()
    {
        using var rig = new Rig();
        var skipped = Guid.NewGuid();

        rig.Recorder.Submitted(new EngineTask(skipped, Guid.NewGuid(), T0, new SkipRequest(), 0), 0);
        rig.Recorder.Started(skipped, 0, T1);
        rig.Recorder.Ended(Reply(skipped, 0));
        await rig.Recorder.FlushAsync();

        Assert.Empty(rig.Store.Pieces);
    }

    [Fact]
    public async Task KindNone_NothingEverSaved_AndNotEnabled()
    {
        using var rig = new Rig(new TaskStoreOptions { Kind = TaskStoreOptions.None });
        var msgId = Guid.NewGuid();

        Assert.False(rig.Recorder.Enabled);
        rig.Recorder.Submitted(new EngineTask(msgId, Guid.NewGuid(), T0, new ClearRequest(), 0), 0);
        rig.Recorder.Submitted(new BalancedTask(Guid.NewGuid(), T0, new ClearRequest(), TaskPlacement.Anywhere), Guid.NewGuid());
        rig.Recorder.Started(msgId, 0, T1);
        rig.Recorder.Ended(Reply(msgId, 0));
        await rig.Recorder.FlushAsync();
        await rig.Recorder.FlushAsync();

        Assert.Equal(0, rig.Store.Attempts);
    }

    [Fact]
    public void KindNone_NeedsNoStoreRegistered()
    {
        using var services = new ServiceCollection().BuildServiceProvider();
        using var recorder = new TaskRecorder(services, Options.Create(new TaskStoreOptions { Kind = TaskStoreOptions.None }), new BulkOutbox(), NullLogger<TaskRecorder>.Instance);

        Assert.False(recorder.Enabled);
    }

    [Fact]
    public void KindMemory_Enabled()
    {
        using var rig = new Rig();

        Assert.True(rig.Recorder.Enabled);
    }

    [Fact]
    public async Task Flush_NothingReported_StoreNotCalled()
    {
        using var rig = new Rig();

        await rig.Recorder.FlushAsync();

        Assert.Equal(0, rig.Store.Attempts);
    }

    [Fact]
    public async Task StoreFails_BatchKept_NextFlushSavesIt_BeforeNewerPiecesOfTheSameTask()
    {
        using var rig = new Rig();
        var (a, b) = (Guid.NewGuid(), Guid.NewGuid());
        rig.Store.FailNext(1);

        rig.Recorder.Submitted(new EngineTask(a, Guid.NewGuid(), T0, new ExecuteRequest("a"), 0, "a"), 5);
        rig.Recorder.Started(a, 5, T1);
        await rig.Recorder.FlushAsync(); // the store throws; the flush does not
        Assert.Equal(1, rig.Store.Attempts);
        Assert.Empty(rig.Store.Saved);

        rig.Recorder.Ended(Reply(a, 5, result: "A"));
        rig.Recorder.Submitted(new EngineTask(b, Guid.NewGuid(), T0, new ClearRequest(), 1), 5);
        await rig.Recorder.FlushAsync();

        var batch = Assert.Single(rig.Store.Saved);
        Assert.Equal(3, batch.Length);
        Assert.Equal(a, batch[0].MsgId);
        Assert.Equal(TaskStatus.Pending, batch[0].Status); // the kept piece first
        Assert.Equal("a", batch[0].Label);
        var ended = Array.FindIndex(batch, r => r.MsgId == a && r.IsDone);
        Assert.True(ended > 0, "the end of a is saved after its kept piece");
        Assert.Contains(batch, r => r.MsgId == b);
        var merged = rig.Store.Merged()[a];
        Assert.Equal(TaskStatus.Ok, merged.Status);
        Assert.Equal("A", merged.Result);
        Assert.Equal("a", merged.Label);
        Assert.Equal(T0, merged.Submitted);
    }

    [Fact]
    public async Task StoreFailsTwice_ThirdFlushSavesEverything_Once()
    {
        using var rig = new Rig();
        var ids = Enumerable.Range(0, 3).Select(_ => Guid.NewGuid()).ToArray();
        rig.Store.FailNext(2);

        for (var i = 0; i < ids.Length; i++)
        {
            rig.Recorder.Submitted(new EngineTask(ids[i], Guid.NewGuid(), T0, new ClearRequest(), i), 0);
            await rig.Recorder.FlushAsync();
        }

        Assert.Equal(3, rig.Store.Attempts);
        var batch = Assert.Single(rig.Store.Saved);
        Assert.Equal(ids, batch.Select(r => r.MsgId)); // in the order they were reported
        await rig.Recorder.FlushAsync();
        Assert.Single(rig.Store.Saved); // nothing left over to save again
    }

    [Fact]
    public async Task ManyThreadsReporting_WhileFlushing_LoseNothing()
    {
        const int Threads = 4, TasksEach = 5_000;
        using var rig = new Rig();
        var ids = new Guid[Threads][];
        using var done = new CancellationTokenSource();

        var flusher = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                await rig.Recorder.FlushAsync();
                await Task.Delay(1);
            }
        });
        var reporters = Enumerable.Range(0, Threads).Select(t =>
        {
            ids[t] = Enumerable.Range(0, TasksEach).Select(_ => Guid.NewGuid()).ToArray();
            var thread = new Thread(() =>
            {
                var session = Guid.NewGuid();
                for (var i = 0; i < TasksEach; i++)
                {
                    var id = ids[t][i];
                    rig.Recorder.Submitted(new EngineTask(id, session, T0, new ClearRequest(), i), t);
                    rig.Recorder.Started(id, t, T1);
                    rig.Recorder.Ended(Reply(id, t, result: i));
                }
            });
            thread.Start();
            return thread;
        }).ToArray();
        foreach (var thread in reporters) thread.Join();
        await done.CancelAsync();
        await flusher;
        await rig.Recorder.FlushAsync();

        var merged = rig.Store.Merged();
        Assert.Equal(Threads * TasksEach, merged.Count);
        for (var t = 0; t < Threads; t++)
            for (var i = 0; i < TasksEach; i++)
            {
                var record = merged[ids[t][i]];
                if (record.Status != TaskStatus.Ok || record.Submitted != T0 || record.Started != T1 || record.Completed != T2
                    || record.EngineId != t || !Equals(record.Result, i) || record.Request is not ClearRequest || record.Received is null)
                    Assert.Fail($"task {i} of thread {t} has a wrong record: {record}");
            }
        // Pieces are per flush: never more than the three events of a task.
        Assert.All(rig.Store.Pieces.CountBy(p => p.MsgId), c => Assert.InRange(c.Value, 1, 3));
    }
}
