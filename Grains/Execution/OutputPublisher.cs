using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Parallel.Engine;
using Orleans.Runtime;
using Orleans.Streams;

namespace Orleans.Parallel.Grains.Execution;

/// <summary>
/// Streams the output of running tasks to their clients. Every <see cref="Tick"/>, what each
/// running task wrote since the last tick goes out as chunks on its client session's stream
/// (<see cref="OutputStreams"/>). A task that ends before its first tick streams nothing: its reply
/// carries its output, so the many short tasks cost no stream traffic. The chunks of one task are
/// published one after another, in order. Without the stream provider (a host that did not add
/// it), output is not streamed and replies carry it as before.
/// </summary>
public sealed partial class OutputPublisher : IDisposable
{
    /// <summary>How often running tasks' new output is streamed.</summary>
    public static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(50);

    private readonly IStreamProvider? _streams;
    private readonly ILogger<OutputPublisher> _logger;
    private readonly ConcurrentDictionary<TaskOutput, Guid> _running = new();
    private readonly ConcurrentDictionary<Guid, IAsyncStream<OutputChunk>> _sessionStreams = new();
    private readonly CancellationTokenSource _stop = new();
    private int _started;

    public OutputPublisher(IServiceProvider services, ILogger<OutputPublisher> logger)
    {
        _streams = services.GetKeyedService<IStreamProvider>(OutputStreams.Provider);
        _logger = logger;
    }

    /// <summary>Whether output is streamed live (the stream provider is configured).</summary>
    public bool Live => _streams is not null;

    /// <summary>Starts capturing a task's output; its new text is streamed while it runs.</summary>
    internal TaskOutput Begin(Guid msgId, Guid sessionId, int engineId)
    {
        var output = new TaskOutput(msgId, engineId, Live);
        if (!Live) return output;
        _running[output] = sessionId;
        if (Interlocked.Exchange(ref _started, 1) == 0) _ = Task.Run(RunAsync);
        return output;
    }

    /// <summary>The task ended: returns how many chunks of its output were (or are being) streamed; 0 if none.</summary>
    internal int End(TaskOutput output)
    {
        if (!Live || !_running.TryRemove(output, out var session)) return 0;
        var (streamed, rest) = output.End();
        if (rest.Count > 0) Publish(output, session, rest);
        return streamed;
    }

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(Tick);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
                foreach (var (output, session) in _running)
                    if (output.HasUnsent && !Publishing(output)) Publish(output, session, output.Take());
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>
    /// Whether a chunk of this task is still on its way. The next is taken only once it arrived, so
    /// text piles up in the task's buffer instead, where its bound makes the writer wait: a task
    /// cannot write faster than its output travels.
    /// </summary>
    private bool Publishing(TaskOutput output)
    {
        lock (_chains) return _chains.ContainsKey(output.MsgId);
    }

    /// <summary>Publishes chunks after those of the same task already on their way.</summary>
    private void Publish(TaskOutput output, Guid session, List<OutputChunk> chunks)
    {
        if (chunks.Count == 0) return;
        var stream = _sessionStreams.GetOrAdd(session, s => _streams!.GetStream<OutputChunk>(StreamId.Create(OutputStreams.Namespace, s)));
        lock (_chains)
        {
            _chains.TryGetValue(output.MsgId, out var previous);
            var next = PublishAfterAsync(previous ?? Task.CompletedTask, stream, chunks);
            _chains[output.MsgId] = next;
            _ = next.ContinueWith(done =>
            {
                lock (_chains) if (_chains.TryGetValue(output.MsgId, out var last) && last == done) _chains.Remove(output.MsgId);
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private readonly Dictionary<Guid, Task> _chains = new();

    private async Task PublishAfterAsync(Task previous, IAsyncStream<OutputChunk> stream, List<OutputChunk> chunks)
    {
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        try
        {
            foreach (var chunk in chunks) await stream.OnNextAsync(chunk);
        }
        catch (Exception e)
        {
            // The reply still carries the output's last KeptChars; only the live view misses these.
            LogPublishFailed(_logger, e, chunks[0].MsgId);
        }
    }

    /// <summary>Stops the timer (the container may call this twice: the silo's lifecycle holds the same instance).</summary>
    public void Dispose() => _stop.Cancel();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live output of task {MsgId} could not be streamed")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, Guid msgId);
}
