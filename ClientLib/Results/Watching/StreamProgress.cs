using System.Collections.Concurrent;
using System.Diagnostics;

namespace Orleans.Parallel.Results.Watching;

/// <summary>
/// Progress of an async stream as it is read (a lazy map): each item counts when the reader gets it.
/// The engines busy with it are those running any task of <paramref name="client"/>, since a lazy
/// map does not say which tasks are its own.
/// </summary>
internal sealed class StreamProgress(ParallelClient client, int? total) : IProgressSource
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentQueue<WatchedFailure> _failures = new();
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _done, _failed;
    private volatile bool _finished, _stopped;

    public int Done => Volatile.Read(ref _done);

    public int? Total => total;

    public string Unit => "items";

    public TimeSpan Elapsed => _clock.Elapsed;

    public int Failed => Volatile.Read(ref _failed);

    public bool Finished => _finished;

    public bool Stopped => _stopped;

    public Task Ended => _ended.Task;

    public bool IsOurs(Guid msgId) => client.Dispatcher.TryGetOutstanding(msgId, out _);

    /// <summary>One item was read; <paramref name="error"/> is its error when it is a failed <see cref="MapItem{T}"/>.</summary>
    public void Item(Exception? error)
    {
        Interlocked.Increment(ref _done);
        if (error is not null) Fail(error);
    }

    /// <summary>The reading raised <paramref name="error"/> (a failed task of a lazy map without errors in place).</summary>
    public void Fail(Exception error)
    {
        Interlocked.Increment(ref _failed);
        _failures.Enqueue(WatchedFailure.Of(error, -1));
    }

    /// <summary>The stream ran to its end.</summary>
    public void Finish()
    {
        _clock.Stop();
        _finished = true;
        _ended.TrySetResult();
    }

    /// <summary>The reading ended; before the stream's end, this stops the watch.</summary>
    public void Close()
    {
        if (!_finished) _stopped = true;
        _ended.TrySetResult();
    }

    public IReadOnlyList<WatchedFailure> TakeFailures()
    {
        var taken = new List<WatchedFailure>();
        while (_failures.TryDequeue(out var failure)) taken.Add(failure);
        return taken;
    }
}
