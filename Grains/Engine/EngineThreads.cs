using System.Diagnostics;

namespace Orleans.Parallel.Grains.Engine;

/// <summary>
/// The threads that run the silo's user code. User code never runs on the threads that run grain
/// turns, so a long or CPU-bound task blocks nothing of Orleans; but an idle engine holds no thread
/// either (a silo of 10,000 engines would otherwise hold 10,000). Work waits in one queue served by
/// as many threads as the machine has cores. A thread whose item has run for
/// <see cref="LongAfter"/> stops counting toward that number, and another thread starts for the
/// waiting work: a task that sleeps, blocks or computes for long has a thread of its own, as each
/// engine had before, and N busy engines still use N cores. When such a task ends its thread goes
/// back to serving the queue, or ends if the queue has enough threads without it. A silo that
/// never ran a task has no such thread at all.
/// </summary>
/// <remarks>
/// Each engine hands over one item at a time (its tasks run in order, one after another), so the
/// queue's order across engines is all this class decides. Not the .NET thread pool: it adds
/// threads for blocked work slowly (about one per second past its minimum), and Orleans' own turns
/// run there.
/// </remarks>
public sealed class EngineThreads : IDisposable
{
    /// <summary>How long an item runs before its thread no longer counts toward the core-sized set.</summary>
    public static readonly TimeSpan LongAfter = TimeSpan.FromMilliseconds(50);

    private readonly object _lock = new(); // a monitor: threads wait on it for work
    private readonly Queue<Action> _work = new();
    private readonly List<Worker> _busy = [];
    private readonly Timer _watch;
    private readonly long _longTicks = (long)(LongAfter.TotalSeconds * Stopwatch.Frequency);
    private int _threads; // alive
    private int _long;    // running an item marked long: not counted toward Size
    private int _idle;    // waiting for work
    private bool _watching;
    private bool _disposed;
    private int _started;

    public EngineThreads() : this(Environment.ProcessorCount) { }

    public EngineThreads(int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        Size = size;
        _watch = new Timer(_ => Watch(), null, Timeout.Infinite, Timeout.Infinite);
    }

    /// <summary>How many threads serve the queue when no item runs long: the core count.</summary>
    public int Size { get; }

    /// <summary>Threads alive now (serving the queue, or running an item).</summary>
    public int Threads
    {
        get { lock (_lock) return _threads; }
    }

    /// <summary>Threads started since the silo started (for tests and figures).</summary>
    public int ThreadsStarted => Volatile.Read(ref _started);

    /// <summary>Runs <paramref name="work"/> on one of these threads; the returned task completes on that thread.</summary>
    public Task<T> RunAsync<T>(Func<T> work)
    {
        // Continuations are not forced asynchronous: the awaiting grain turn is queued to its own
        // scheduler anyway, and forcing would add a thread-pool hop to every task.
        var done = new TaskCompletionSource<T>();
        Queue(() =>
        {
            try { done.SetResult(work()); }
            catch (Exception e) { done.SetException(e); }
        });
        return done.Task;
    }

    private void Queue(Action item)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _work.Enqueue(item);
            if (_idle > _work.Count - 1) Monitor.Pulse(_lock);
            else if (_threads - _long < Size) StartThread();
        }
    }

    /// <summary>Under the lock.</summary>
    private void StartThread()
    {
        _threads++;
        _started++;
        // A plain monitor rather than a BlockingCollection: its wait spins (sched_yield) before it
        // sleeps, and between two tasks of a busy engine that spinning took the core the silo's other
        // threads needed to hand the engine its next task.
        new Thread(Serve) { IsBackground = true, Name = "engine worker" }.Start();
    }

    private void Serve()
    {
        var me = new Worker();
        while (true)
        {
            Action item;
            lock (_lock)
            {
                while (_work.Count == 0)
                {
                    // Threads past the core count (started while others ran long) end; the rest wait.
                    if (_disposed || _threads - _long > Size)
                    {
                        _threads--;
                        return;
                    }
                    _idle++;
                    Monitor.Wait(_lock);
                    _idle--;
                }
                item = _work.Dequeue();
                me.Started = Stopwatch.GetTimestamp();
                me.Long = false;
                _busy.Add(me);
                if (!_watching)
                {
                    _watching = true;
                    _watch.Change(LongAfter / 2, LongAfter / 2);
                }
            }
            try { item(); }
            catch (Exception e) { Environment.FailFast("An engine work item threw; each item catches its own exceptions.", e); }
            lock (_lock)
            {
                _busy.Remove(me);
                if (me.Long) _long--;
            }
        }
    }

    /// <summary>
    /// Marks items that have run long and starts threads for the work that waits behind them. Stops
    /// itself once nothing runs (here, not as each item ends: an engine running tiny tasks back to
    /// back would otherwise reset the timer twice per task).
    /// </summary>
    private void Watch()
    {
        lock (_lock)
        {
            if (_busy.Count == 0)
            {
                _watching = false;
                _watch.Change(Timeout.Infinite, Timeout.Infinite);
                return;
            }
            var now = Stopwatch.GetTimestamp();
            foreach (var worker in _busy)
            {
                if (worker.Long || now - worker.Started < _longTicks) continue;
                worker.Long = true;
                _long++;
            }
            var missing = Math.Min(_work.Count - _idle, Size - (_threads - _long));
            for (var i = 0; i < missing; i++) StartThread();
        }
    }

    /// <summary>Lets the threads end once the queued work has run (a running item runs to its end).</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
            Monitor.PulseAll(_lock);
        }
        _watch.Dispose();
    }

    private sealed class Worker
    {
        public long Started;
        public bool Long;
    }
}
