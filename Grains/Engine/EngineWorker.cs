using System.Collections.Concurrent;

namespace Orleans.Parallel.Grains.Engine;

/// <summary>
/// The engine's own thread: user code runs here, never on the threads that run grain turns, so a
/// long or CPU-bound task blocks nothing of Orleans and N busy engines use N cores.
/// </summary>
internal sealed class EngineWorker : IDisposable
{
    private readonly BlockingCollection<Action> _work = new();
    private readonly Thread _thread;

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
        _work.Add(() =>
        {
            try { done.SetResult(work()); }
            catch (Exception e) { done.SetException(e); }
        });
        return done.Task;
    }

    private void Loop()
    {
        foreach (var item in _work.GetConsumingEnumerable()) item();
    }

    public void Dispose() => _work.CompleteAdding();
}
