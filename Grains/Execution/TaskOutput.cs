using System.Text;
using Orleans.Parallel.Engine;

namespace Orleans.Parallel.Grains.Execution;

/// <summary>
/// What one task writes to stdout and stderr. Each stream keeps its last
/// <see cref="OutputStreams.KeptChars"/> characters for the reply (a task that prints 100 MB costs
/// the silo a bounded buffer, not 100 MB). While the task runs, new text also waits here for the
/// <see cref="OutputPublisher"/>, which streams it to the client; if the publisher falls behind by
/// <see cref="MaxUnsent"/> characters the writing task blocks until it catches up, as a process
/// writing to a full pipe does.
/// </summary>
internal sealed class TaskOutput
{
    /// <summary>Most characters waiting to be streamed before a writer blocks.</summary>
    public const int MaxUnsent = 1 << 20;

    private readonly object _gate = new(); // a monitor: a blocked writer waits on it
    // Made at the first write: most tasks write nothing, and a silo runs tens of thousands a second
    // (two writers, two kept texts and two buffers per task were a tenth of what it allocated).
    private KeptText? _out, _err;
    private StringBuilder? _unsentOut, _unsentErr;
    private TextWriter? _outWriter, _errWriter;
    private readonly bool _live;
    private int _chunks;
    private bool _ended;

    public TaskOutput(Guid msgId, int engineId, bool live)
    {
        MsgId = msgId;
        EngineId = engineId;
        _live = live;
    }

    public Guid MsgId { get; }
    public int EngineId { get; }

    public TextWriter Writer(bool error)
    {
        lock (_gate) return error ? _errWriter ??= new TaskWriter(this, error: true) : _outWriter ??= new TaskWriter(this, error: false);
    }

    /// <summary>The kept stdout; read once the task has ended (a thread the task left running may still append).</summary>
    public string Stdout
    {
        get { lock (_gate) return _out?.ToString() ?? ""; }
    }

    public string Stderr
    {
        get { lock (_gate) return _err?.ToString() ?? ""; }
    }

    /// <summary>Whether text waits to be streamed.</summary>
    public bool HasUnsent
    {
        get { lock (_gate) return Unsent > 0; }
    }

    private int Unsent => (_unsentOut?.Length ?? 0) + (_unsentErr?.Length ?? 0); // under _gate

    private void Append(bool error, ReadOnlySpan<char> text)
    {
        if (text.IsEmpty) return;
        lock (_gate)
        {
            (error ? _err ??= new KeptText() : _out ??= new KeptText()).Append(text);
            if (!_live || _ended) return;
            // Blocks the writing task, not the silo: the publisher runs on the thread pool and pulses when it took text.
            while (Unsent >= MaxUnsent && !_ended) Monitor.Wait(_gate, TimeSpan.FromSeconds(1));
            (error ? _unsentErr ??= new StringBuilder() : _unsentOut ??= new StringBuilder()).Append(text);
        }
    }

    /// <summary>
    /// The text waiting to be streamed, as the task's next chunks (stdout first, then stderr), taken
    /// out of the buffer. With <paramref name="last"/>, the output ends here: no chunk follows.
    /// </summary>
    public List<OutputChunk> Take(bool last = false)
    {
        var chunks = new List<OutputChunk>(2);
        lock (_gate)
        {
            if (last) _ended = true;
            Split(_unsentOut, error: false, chunks);
            Split(_unsentErr, error: true, chunks);
            _unsentOut?.Clear();
            _unsentErr?.Clear();
            Monitor.PulseAll(_gate);
        }
        return chunks;
    }

    /// <summary>
    /// Most characters in one chunk. Memory streams cache events in 1 MB blocks and cannot carry a
    /// larger one; 128 Ki characters stay under that in UTF-8 whatever the text.
    /// </summary>
    public const int MaxChunkChars = 128 * 1024;

    private void Split(StringBuilder? unsent, bool error, List<OutputChunk> chunks)
    {
        if (unsent is null) return;
        for (var start = 0; start < unsent.Length;)
        {
            var length = Math.Min(MaxChunkChars, unsent.Length - start);
            // A cut between the two halves of a character would reach the client as two U+FFFD.
            if (start + length < unsent.Length && char.IsHighSurrogate(unsent[start + length - 1])) length--;
            chunks.Add(new OutputChunk(MsgId, EngineId, error, unsent.ToString(start, length), _chunks++));
            start += length;
        }
    }

    /// <summary>
    /// The task ended: if none of its output was streamed yet, none will be (the reply carries it all,
    /// and the count is 0); otherwise the rest goes as the last chunks, and the count includes them.
    /// </summary>
    public (int Streamed, List<OutputChunk> Remaining) End()
    {
        lock (_gate)
        {
            if (_chunks == 0)
            {
                _ended = true;
                _unsentOut?.Clear();
                _unsentErr?.Clear();
                Monitor.PulseAll(_gate);
                return (0, []);
            }
        }
        var rest = Take(last: true);
        lock (_gate) return (_chunks, rest);
    }

    /// <summary>The last <see cref="OutputStreams.KeptChars"/> characters of a stream, and how many came before them.</summary>
    private sealed class KeptText
    {
        private readonly StringBuilder _text = new();
        private long _dropped;

        public void Append(ReadOnlySpan<char> text)
        {
            if (text.Length >= OutputStreams.KeptChars)
            {
                _dropped += _text.Length + text.Length - OutputStreams.KeptChars;
                _text.Clear().Append(text[^OutputStreams.KeptChars..]);
                DropHalfCharacter();
                return;
            }
            _text.Append(text);
            var over = _text.Length - OutputStreams.KeptChars;
            if (over <= 0) return;
            // Trimmed in steps of a quarter, not per write: removing from the front copies the rest.
            var cut = Math.Max(over, OutputStreams.KeptChars / 4);
            _text.Remove(0, cut);
            _dropped += cut;
            DropHalfCharacter();
        }

        /// <summary>A tail must not start with the second half of a character whose first half was cut off.</summary>
        private void DropHalfCharacter()
        {
            if (_text.Length == 0 || !char.IsLowSurrogate(_text[0])) return;
            _text.Remove(0, 1);
            _dropped++;
        }

        public override string ToString() => _dropped == 0
            ? _text.ToString()
            : $"[… {_dropped:N0} earlier characters not kept …]\n" + _text;
    }

    private sealed class TaskWriter(TaskOutput owner, bool error) : TextWriter
    {
        public override Encoding Encoding => Encoding.UTF8;
        public override void Write(char value) => owner.Append(error, [value]);
        public override void Write(string? value) => owner.Append(error, value);
        public override void Write(char[] buffer, int index, int count) => owner.Append(error, buffer.AsSpan(index, count));
        public override void Write(ReadOnlySpan<char> buffer) => owner.Append(error, buffer);
        public override void WriteLine() => owner.Append(error, Environment.NewLine);
        public override void WriteLine(string? value) => owner.Append(error, (value ?? "") + Environment.NewLine);
    }
}
