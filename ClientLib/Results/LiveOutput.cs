using System.Collections.Concurrent;
using System.Text;
using Orleans.Parallel.Engine;

namespace Orleans.Parallel.Results;

/// <summary>
/// The output of one running task as it streams in: the last <see cref="OutputStreams.KeptChars"/>
/// characters of each stream (what <see cref="AsyncResult.Stdout"/> shows while the task runs), how
/// many chunks came, and the readers of <see cref="AsyncResult.ReadOutputAsync"/> to pass them on to.
/// </summary>
internal sealed class LiveOutput
{
    private readonly Lock _gate = new();
    private readonly StringBuilder _out = new(), _err = new();
    private List<OutputReader>? _readers;

    /// <summary>How many chunks arrived.</summary>
    public int Count { get; private set; }

    /// <summary>When the last chunk arrived (UTC); null before the first.</summary>
    public DateTime? LastArrival
    {
        get { lock (_gate) return _lastArrival; }
    }

    private DateTime? _lastArrival;

    public string Stdout
    {
        get { lock (_gate) return _out.ToString(); }
    }

    public string Stderr
    {
        get { lock (_gate) return _err.ToString(); }
    }

    public void Add(OutputChunk chunk)
    {
        lock (_gate)
        {
            Count++;
            _lastArrival = DateTime.UtcNow;
            Keep(chunk.IsError ? _err : _out, chunk.Text);
            if (_readers is not null) foreach (var reader in _readers) reader.Push(chunk);
        }
    }

    /// <summary>Adds a reader; what arrived before it is handed back as at most two chunks (stdout, stderr).</summary>
    public IReadOnlyList<OutputChunk> Attach(OutputReader reader, Guid msgId, int engineId)
    {
        lock (_gate)
        {
            (_readers ??= []).Add(reader);
            var earlier = new List<OutputChunk>(2);
            if (_out.Length > 0) earlier.Add(new OutputChunk(msgId, engineId, false, _out.ToString(), -1));
            if (_err.Length > 0) earlier.Add(new OutputChunk(msgId, engineId, true, _err.ToString(), -1));
            return earlier;
        }
    }

    public void Detach(OutputReader reader)
    {
        lock (_gate) _readers?.Remove(reader);
    }

    private static void Keep(StringBuilder kept, string text)
    {
        kept.Append(text);
        var over = kept.Length - OutputStreams.KeptChars;
        if (over <= 0) return;
        kept.Remove(0, Math.Max(over, Math.Min(kept.Length, OutputStreams.KeptChars / 4)));
        if (kept.Length > 0 && char.IsLowSurrogate(kept[0])) kept.Remove(0, 1); // never half a character
    }
}

/// <summary>
/// One enumeration of <see cref="AsyncResult.ReadOutputAsync"/>: the chunks that arrived for it,
/// bounded to <see cref="MaxQueuedChars"/> characters. A reader that falls that far behind loses the
/// oldest chunks and is told so by a notice in their place.
/// </summary>
internal sealed class OutputReader
{
    public const int MaxQueuedChars = 4 << 20;

    private readonly ConcurrentQueue<OutputChunk> _queue = new();
    private readonly SemaphoreSlim _signal = new(0);
    private long _queuedChars;
    private long _dropped;

    public void Push(OutputChunk chunk)
    {
        _queue.Enqueue(chunk);
        Interlocked.Add(ref _queuedChars, chunk.Text.Length);
        // As many of the oldest as it takes: one large chunk may stand for many small ones.
        while (Interlocked.Read(ref _queuedChars) > MaxQueuedChars && _queue.TryDequeue(out var oldest))
        {
            Interlocked.Add(ref _queuedChars, -oldest.Text.Length);
            Interlocked.Add(ref _dropped, oldest.Text.Length);
        }
        Signal();
    }

    /// <summary>Wakes the reader (a chunk came, or a task ended).</summary>
    public void Signal()
    {
        if (_signal.CurrentCount == 0) _signal.Release();
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);

    /// <summary>Whether a chunk waits.</summary>
    public bool TryPeekAny() => !_queue.IsEmpty;

    public bool TryTake(out OutputChunk chunk)
    {
        var dropped = Interlocked.Exchange(ref _dropped, 0);
        if (dropped > 0 && _queue.TryPeek(out var next))
        {
            chunk = next with { Text = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"[… {dropped:N0} characters of output dropped: this reader fell behind …]\n"), Seq = -1 };
            return true;
        }
        if (!_queue.TryDequeue(out chunk!)) return false;
        Interlocked.Add(ref _queuedChars, -chunk.Text.Length);
        return true;
    }
}
