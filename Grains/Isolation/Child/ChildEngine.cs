using Orleans.Parallel.Engine;
using Orleans.Parallel.Grains.Code;
using Orleans.Parallel.Grains.Engine;
using Orleans.Parallel.Grains.Execution;
using Orleans.Parallel.Grains.Execution.Scripts;
using Orleans.Parallel.Grains.Isolation.Protocol;

namespace Orleans.Parallel.Grains.Isolation.Child;

/// <summary>
/// The engine inside an engine process: its namespace, and the one thread that reads its tasks
/// from the silo and runs them in order, with no hand-off between the two (each would cost a thread
/// wake-up per task). What must reach a task while it runs (an abort, the answer to its own call to
/// the silo) comes on a second connection, read by a thread of its own.
/// </summary>
internal sealed class ChildEngine(TaskExecutor executor, FunctionMaterializer functions, SessionCodeRegistry code, ScriptCompiler scripts, ParentLink link, ChildLimits limits)
{
    private readonly EngineNamespace _namespace = new();
    private readonly Lock _gate = new();
    private readonly HashSet<Guid> _abortedEarly = []; // aborted before this thread took them; under _gate
    private (Guid MsgId, CancellationTokenSource Cancel)? _current; // under _gate
    private bool _warming; // this thread only

    /// <summary>
    /// Serves the silo until it closes the connection: tasks from <paramref name="tasks"/>, on this
    /// thread; aborts and answers from <paramref name="control"/>, on another.
    /// </summary>
    public void Serve(FrameChannel tasks, FrameChannel control)
    {
        OutputCapture.Install();
        new Thread(() => Control(control)) { IsBackground = true, Name = "engine control" }.Start();
        tasks.Send(new HelloFrame(Environment.ProcessId));
        while (tasks.Receive() is { } frame)
        {
            switch (frame)
            {
                case RunFrame run:
                    var done = new DoneFrame(Run(run, tasks), Several: run.Task.Request is PullRequest { Single: false } or MapRequest { ItemErrors: true });
                    tasks.Send(TooLarge(done, run) ?? done);
                    break;
                case WarmUpFrame:
                    if (!_warming) new Thread(WarmUp) { IsBackground = true, Name = "compiler warm-up" }.Start();
                    _warming = true; // the silo may ask twice (a spare started as warm-up was asked)
                    break;
                case EndSessionFrame end:
                    functions.ForgetSession(end.SessionId); // first: it asks the registry which types were the session's
                    code.EndSession(end.SessionId);
                    break;
                default:
                    throw new InvalidDataException($"A silo does not send tasks as {frame.GetType().Name}.");
            }
        }
    }

    /// <summary>What the silo's own warm-up does for in-process engines; a failure only means the first Execute pays for it.</summary>
    private void WarmUp()
    {
        try { scripts.WarmUp(); }
        catch (Exception e) when (e is not OutOfMemoryException) { Console.Error.WriteLine($"The compiler warm-up failed: {e.Message}"); }
    }

    private void Control(FrameChannel control)
    {
        while (control.Receive() is { } frame)
        {
            switch (frame)
            {
                case AbortFrame abort:
                    Abort(abort.MsgId);
                    break;
                case AnswerFrame answer:
                    link.Answered(answer);
                    break;
                default:
                    throw new InvalidDataException($"A silo does not send {frame.GetType().Name} beside a task.");
            }
        }
        // The silo closed it: it closes the task connection too, or the process is ending.
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

    /// <summary>
    /// The task failed instead, when what its reply carries inside a message (its arrays go in bulk)
    /// cannot fit the silo's: the silo would refuse it too (<see cref="TaskExecutor.ToWire"/>), but only
    /// once it had come through the socket, maybe hundreds of megabytes of it. Null when it may fit;
    /// the silo's own check still decides.
    /// </summary>
    private DoneFrame? TooLarge(DoneFrame done, RunFrame run)
    {
        if (done.Reply.Status != Orleans.Parallel.Engine.TaskStatus.Ok) return null;
        var sent = ((DoneFrame)FrameArrays.Strip(done, out _)).Reply; // what stays in the message: arrays leave in bulk
        return TaskExecutor.TooLarge(limits.MaxMessageBytes, sent.Result, sent.ExecuteResult) is { } error
            ? done with { Reply = TaskRun.Failed(run.Task, run.EngineId, done.Reply.Started ?? done.Reply.Completed, error, "", "") }
            : null;
    }

    private TaskReply Run(RunFrame run, FrameChannel channel)
    {
        var task = run.Task;
        var started = DateTime.UtcNow;
        using var cancel = new CancellationTokenSource();
        lock (_gate)
        {
            // Aborted before it started: it does not run.
            if (_abortedEarly.Remove(task.MsgId))
                return new TaskReply(task.MsgId, run.EngineId, Orleans.Parallel.Engine.TaskStatus.Aborted, null, null, null, DateTime.UtcNow, "", "", null);
            _current = (task.MsgId, cancel);
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

/// <summary>What the silo tells its engine processes at start: the most bytes one of its messages carries.</summary>
internal sealed record ChildLimits(long MaxMessageBytes);
