namespace Orleans.Parallel.Grains.Engine;

/// <summary>
/// The engine's own thread: user code runs here, never on the threads that run grain turns, so a
/// long or CPU-bound task blocks nothing of Orleans and N busy engines use N cores.
/// </summary>
internal sealed class EngineWorker : IDisposable
{
    // A plain monitor rather than a BlockingCollection: its wait spins (sched_yield) before it
    // sleeps, and between two tasks of a busy engine that spinning took the core the silo's other
    // threads needed to hand the engine its next task.
    private readonly Queue<Action> _work = new();
    private readonly Thread _thread;
    private bool _stopped;

    public EngineWorker(string name)
    {
        _thread = new Thread(Loop) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>Runs <paramref name="work"/> on the engine thread; the returned task completes off that thread.</summary>
    public Task<T> RunAsync<T>(Func<T> work)
    {
        // Continuations are not forced asynchronous: the awaiting grain turn is queued to its own
        // scheduler anyway, and forcing would add a thread-pool hop to every task.
        var done = new TaskCompletionSource<T>();
        lock (_work)
        {
            ObjectDisposedException.ThrowIf(_stopped, this);
            _work.Enqueue(() =>
            {
                try { done.SetResult(work()); }
                catch (Exception e) { done.SetException(e); }
            });
            Monitor.Pulse(_work);
        }
        return done.Task;
    }

    private void Loop()
    {
        while (true)
        {
            Action item;
            lock (_work)
            {
                while (_work.Count == 0)
                {
                    if (_stopped) return;
                    Monitor.Wait(_work);
                }
                item = _work.Dequeue();
            }
            item();
        }
    }

    /// <summary>Stops the thread once the work already queued has run.</summary>
    public void Dispose()
    {
        lock (_work)
        {
            _stopped = true;
            Monitor.Pulse(_work);
        }
    }
}
