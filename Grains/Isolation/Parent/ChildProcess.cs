using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Orleans.Parallel.Grains.Execution;
using Orleans.Parallel.Grains.Isolation.Protocol;

namespace Orleans.Parallel.Grains.Isolation.Parent;

/// <summary>
/// The silo's side of one engine process: runs one task at a time in it, relays what the task
/// writes, answers the process's calls for the cluster's assemblies and checkpoints, and learns
/// within milliseconds when the process ends (its socket closes), however that happens.
/// </summary>
internal sealed partial class ChildProcess : IDisposable
{
    // A crash writes its cause first ("Stack overflow.", "Unhandled exception. …") and may follow it
    // with thousands of stack frames: the first lines and the last ones are kept.
    private const int KeptFirstWords = 5, KeptLastWords = 15;
    private static readonly TimeSpan CpuWatchPeriod = TimeSpan.FromMilliseconds(100);

    private readonly Process _process;
    private readonly FrameChannel _channel; // tasks out; everything the process says in
    private readonly FrameChannel _control; // aborts and answers, read by the process while a task runs
    private readonly Func<ParentCall, Task<object?>> _answer;
    private readonly ILogger _logger;
    private readonly TimeSpan? _cpuLimit;
    private readonly long _arrivesFrom; // results' arrays from this size on reach the client while they still arrive here
    private readonly Lock _gate = new();
    private readonly List<string> _firstWords = [];
    private readonly Queue<string> _lastWords = new();
    private readonly TaskCompletionSource _streamsClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<HelloFrame> _hello = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<ChildExit> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Running? _running;
    private ChildExit? _exit;
    private (string Why, bool ByParent)? _killing;

    private sealed record Running(Guid MsgId, TaskCompletionSource<DoneFrame> Done, TaskOutput Output);

    public ChildProcess(Process process, Socket tasks, Socket control, Orleans.Serialization.Serializer serializer,
        Func<ParentCall, Task<object?>> answer, TimeSpan? cpuLimit, long arrivesFrom, ILogger logger)
    {
        _arrivesFrom = arrivesFrom;
        _process = process;
        _channel = new FrameChannel(tasks, serializer);
        _control = new FrameChannel(control, serializer);
        _answer = answer;
        _cpuLimit = cpuLimit;
        _logger = logger;
        _process.ErrorDataReceived += (_, e) => Heard(e.Data);
        _process.OutputDataReceived += (_, e) => Heard(e.Data);
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        new Thread(Read) { IsBackground = true, Name = $"engine process {process.Id} reader" }.Start();
    }

    public int ProcessId => _process.Id;

    /// <summary>Completes once the process said it is ready.</summary>
    public Task Ready => _hello.Task;

    /// <summary>Completes when the process has ended, with how.</summary>
    public Task<ChildExit> Exited => _exited.Task;

    /// <summary>
    /// Runs a task in the process; its output goes to <paramref name="output"/> as it is written. A
    /// request carrying large arrays is written from the thread pool, not the caller's thread.
    /// </summary>
    /// <exception cref="ChildGoneException">The process ended before the task did.</exception>
    public Task<DoneFrame> RunAsync(RunFrame run, TaskOutput output, bool large)
    {
        // The process's done frame completes this (on the reader thread, which the caller continues on:
        // the engine grain chains load-balanced tasks there without a hand-off, EngineGrain.Isolated).
        var done = new TaskCompletionSource<DoneFrame>();
        lock (_gate)
        {
            if (_exit is { } gone) return Task.FromException<DoneFrame>(new ChildGoneException(gone));
            _running = new Running(run.Task.MsgId, done, output);
        }
        if (large || _cpuLimit is not null) return SendAndWatchAsync(run, done.Task, large);
        Send(_channel, run); // a small frame from the caller's thread: no state machine per task
        return done.Task;
    }

    /// <summary><see cref="RunAsync"/> for a frame written from the thread pool, or a task under a processor-time limit.</summary>
    private async Task<DoneFrame> SendAndWatchAsync(RunFrame run, Task<DoneFrame> done, bool large)
    {
        if (large) await Task.Run(() => Send(_channel, run)).ConfigureAwait(false);
        else Send(_channel, run);
        using var watch = _cpuLimit is { } limit ? WatchCpu(run.Task.MsgId, limit) : null;
        // Not back to the caller's scheduler (a grain's), as above.
        return await done.ConfigureAwait(false);
    }

    /// <summary>Cancels the running task's token (if it is <paramref name="msgId"/>).</summary>
    public void Abort(Guid msgId) => Send(_control, new AbortFrame(msgId));

    public void EndSession(Guid sessionId) => Send(_channel, new EndSessionFrame(sessionId));

    /// <summary>Has the process compile a first script in the background (once; later asks do nothing).</summary>
    public void WarmUp() => Send(_channel, new WarmUpFrame());

    /// <summary>Kills the process (and anything it started). <paramref name="byParent"/>: on purpose, so not reported as lost.</summary>
    public void Kill(string why, bool byParent)
    {
        lock (_gate) _killing ??= (why, byParent);
        try { ProcessTree.Kill(_process); }
        catch (InvalidOperationException) { /* it has exited */ }
        catch (System.ComponentModel.Win32Exception e) { LogKillFailed(_logger, e, _process.Id); }
    }

    public void Dispose()
    {
        Kill("the engine stopped", byParent: true);
        _channel.Dispose();
        _control.Dispose();
    }

    private static void Send(FrameChannel channel, Frame frame)
    {
        // A process that is gone cannot be written to; its reader reports the end to whoever waits.
        try { channel.Send(frame); }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException) { }
    }

    /// <summary>Kills the process when the task has used more processor time than it may.</summary>
    private Timer WatchCpu(Guid msgId, TimeSpan limit)
    {
        var start = CpuTime();
        return new Timer(_ =>
        {
            if (CpuTime() - start > limit)
                Kill($"task {msgId} used more than its processor-time limit of {limit.TotalSeconds:0.###} s, so its process was killed", byParent: false);
        }, null, CpuWatchPeriod, CpuWatchPeriod);
    }

    private TimeSpan CpuTime()
    {
        try
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
        catch (InvalidOperationException) { return TimeSpan.Zero; }
    }

    /// <summary>The reader thread: frames in order, until the socket closes.</summary>
    private void Read()
    {
        try
        {
            while (_channel.Receive(_arrivesFrom, out var arriving) is { } frame)
            {
                Handle(frame, arriving is not null);
                // A large result's bytes are read while whoever took the frame offers them (ArrayArrival).
                if (arriving is not null && !arriving.Fill()) break;
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogReadFailed(_logger, e, _process.Id);
            Kill($"its silo could not read what it sent ({e.Message})", byParent: false);
        }
        Ended();
    }

    /// <param name="frame">What the process sent.</param>
    /// <param name="arriving">The frame's large arrays are still to be read, on this thread, once it returns.</param>
    private void Handle(Frame frame, bool arriving)
    {
        switch (frame)
        {
            case OutputFrame output:
                // Blocks this reader while the task's live output is 1 MiB behind: the process then
                // blocks writing, as a process writing to a full pipe does.
                if (Current(output.MsgId) is { } writing) writing.Output.Writer(output.IsError).Write(output.Text);
                break;
            case DoneFrame done:
                Running? ended;
                lock (_gate)
                {
                    ended = _running?.MsgId == done.Reply.MsgId ? _running : null;
                    if (ended is not null) _running = null;
                }
                // Whoever awaits the reply continues on this thread (see RunAsync), unless the reply's
                // arrays are still to be read here: then on the thread pool, so this thread reads them.
                if (ended is null) break;
                if (arriving) ThreadPool.UnsafeQueueUserWorkItem(static state => state.Ended.Done.TrySetResult(state.Frame), (Ended: ended, Frame: done), preferLocal: false);
                else ended.Done.TrySetResult(done);
                break;
            case CallFrame call:
                _ = AnswerAsync(call);
                break;
            case HelloFrame hello:
                _hello.TrySetResult(hello);
                break;
            default:
                throw new InvalidDataException($"An engine process does not send {frame.GetType().Name}.");
        }
    }

    private Running? Current(Guid msgId)
    {
        lock (_gate) return _running?.MsgId == msgId ? _running : null;
    }

    private async Task AnswerAsync(CallFrame call)
    {
        AnswerFrame answer;
        try { answer = new AnswerFrame(call.CallId, await _answer(call.Call), null); }
        catch (Exception e) when (e is not OutOfMemoryException) { answer = new AnswerFrame(call.CallId, null, e.Message); }
        Send(_control, answer);
    }

    /// <summary>The socket closed: the process has ended (or is about to). Says how to whoever waits.</summary>
    private void Ended()
    {
        _process.WaitForExit(TimeSpan.FromSeconds(10));
        _streamsClosed.Task.Wait(TimeSpan.FromSeconds(2)); // its last words, read on other threads
        int? code = _process.HasExited ? _process.ExitCode : null;
        Running? running;
        ChildExit exit;
        lock (_gate)
        {
            exit = _exit = new ChildExit(code, _killing?.Why, _killing?.ByParent ?? false, [.. _firstWords, .. _lastWords]);
            running = _running;
            _running = null;
        }
        if (!exit.ByParent) LogEnded(_logger, _process.Id, exit.Describe(), string.Join(Environment.NewLine, exit.LastWords));
        _hello.TrySetException(new ChildGoneException(exit));
        running?.Done.TrySetException(new ChildGoneException(exit));
        _exited.TrySetResult(exit);
    }

    private int _streamsOpen = 2;

    /// <summary>A line the process wrote to its own stdout or stderr (not the task's: that is captured): kept for its end.</summary>
    private void Heard(string? line)
    {
        if (line is null)
        {
            if (Interlocked.Decrement(ref _streamsOpen) == 0) _streamsClosed.TrySetResult();
            return;
        }
        lock (_gate)
        {
            if (_firstWords.Count < KeptFirstWords)
            {
                _firstWords.Add(line);
                return;
            }
            _lastWords.Enqueue(line);
            while (_lastWords.Count > KeptLastWords) _lastWords.Dequeue();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Engine process {ProcessId} ended: {Cause}\n{LastWords}")]
    private static partial void LogEnded(ILogger logger, int processId, string cause, string lastWords);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not read from engine process {ProcessId}")]
    private static partial void LogReadFailed(ILogger logger, Exception exception, int processId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not kill engine process {ProcessId}")]
    private static partial void LogKillFailed(ILogger logger, Exception exception, int processId);
}
