using System.Collections.Concurrent;
using Orleans.Parallel.Engine;
using Orleans.Parallel.Grains.Code;
using Orleans.Parallel.Grains.Engine;
using Orleans.Parallel.Grains.Execution;
using Orleans.Parallel.Grains.Isolation.Protocol;

namespace Orleans.Parallel.Grains.Isolation.Child;

/// <summary>
/// The engine inside an engine process: its namespace, and the one thread that runs its tasks in
/// the order the silo sent them. The process's main thread reads frames and hands them here, so an
/// abort (or an answer to the task's own call) reaches the task while it runs.
/// </summary>
internal sealed class ChildEngine(TaskExecutor executor, FunctionMaterializer functions, SessionCodeRegistry code, ParentLink link)
{
    private readonly EngineNamespace _namespace = new();
    private readonly BlockingCollection<Frame> _work = new();
    private readonly Lock _gate = new();
    private readonly HashSet<Guid> _abortedEarly = []; // aborted before this thread took them; under _gate
    private (Guid MsgId, CancellationTokenSource Cancel)? _current; // under _gate

    /// <summary>Serves the silo until it closes the connection.</summary>
    public void Serve(FrameChannel channel)
    {
        OutputCapture.Install();
        new Thread(() => RunTasks(channel)) { IsBackground = true, Name = "engine" }.Start();
        channel.Send(new HelloFrame(Environment.ProcessId));
        while (channel.Receive() is { } frame)
        {
            switch (frame)
            {
                case RunFrame or EndSessionFrame:
                    _work.Add(frame);
                    break;
                case AbortFrame abort:
                    Abort(abort.MsgId);
                    break;
                case AnswerFrame answer:
                    link.Answered(answer);
                    break;
                default:
                    throw new InvalidDataException($"A silo does not send an engine process {frame.GetType().Name}.");
            }
        }
    }

    private void Abort(Guid msgId)
    {
        CancellationTokenSource? running = null;
        lock (_gate)
        {
            if (_current?.MsgId == msgId) running = _current.Value.Cancel;
            else _abortedEarly.Add(msgId);
        }
        try { running?.Cancel(); }
        catch (ObjectDisposedException) { /* it ended meanwhile */ }
    }

    private void RunTasks(FrameChannel channel)
    {
        foreach (var frame in _work.GetConsumingEnumerable())
        {
            if (frame is EndSessionFrame end)
            {
                functions.ForgetSession(end.SessionId); // first: it asks the registry which types were the session's
                code.EndSession(end.SessionId);
                continue;
            }
            var run = (RunFrame)frame;
            var reply = Run(run, channel);
            channel.Send(new DoneFrame(reply, Several: run.Task.Request is PullRequest { Single: false } or MapRequest { ItemErrors: true }));
        }
    }

    private TaskReply Run(RunFrame run, FrameChannel channel)
    {
        var task = run.Task;
        var started = DateTime.UtcNow;
        using var cancel = new CancellationTokenSource();
        lock (_gate)
        {
            _current = (task.MsgId, cancel);
            if (_abortedEarly.Remove(task.MsgId)) cancel.Cancel();
        }
        var output = new TaskOutput(task.MsgId, run.EngineId, live: true);
        using var relay = new OutputRelay(output, channel);
        try
        {
            code.PrepareAsync(task.SessionId, CodeReferences.Of(task.Request, run.Require?.Predicate)).AsTask().GetAwaiter().GetResult();
            using (OutputCapture.Begin(output))
                return TaskRun.Run(executor, functions, task, run.Require, _namespace, run.EngineId, started, output, cancel.Token).Reply
                    with { Stdout = "", Stderr = "" }; // the silo keeps the output it relayed
        }
        catch (Exception e)
        {
            return TaskRun.Failed(task, run.EngineId, started, e, "", "");
        }
        finally
        {
            lock (_gate) _current = null;
            relay.Finish();
        }
    }
}
