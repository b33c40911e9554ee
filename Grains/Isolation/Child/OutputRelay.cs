using Orleans.Parallel.Grains.Execution;
using Orleans.Parallel.Grains.Isolation.Protocol;

namespace Orleans.Parallel.Grains.Isolation.Child;

/// <summary>
/// Sends what the running task writes to the silo as it is written (every <see cref="OutputPublisher.Tick"/>),
/// and the rest when it ends. The task's writer blocks while 1 MiB waits unsent, so a task cannot
/// write faster than its output travels.
/// </summary>
internal sealed class OutputRelay : IDisposable
{
    private readonly TaskOutput _output;
    private readonly FrameChannel _channel;
    private readonly Lock _gate = new();
    private readonly Timer _timer;
    private bool _finished;

    public OutputRelay(TaskOutput output, FrameChannel channel)
    {
        _output = output;
        _channel = channel;
        _timer = new Timer(_ => Send(last: false), null, OutputPublisher.Tick, OutputPublisher.Tick);
    }

    /// <summary>The task ended: the rest of its output goes now, before its reply.</summary>
    public void Finish() => Send(last: true);

    private void Send(bool last)
    {
        lock (_gate)
        {
            if (_finished) return;
            if (last) _finished = true;
            else if (!_output.HasUnsent) return;
            foreach (var chunk in _output.Take(last))
                _channel.Send(new OutputFrame(chunk.MsgId, chunk.IsError, chunk.Text));
        }
    }

    public void Dispose() => _timer.Dispose();
}
