using Orleans.Parallel.Engine;
using TaskStatus = Orleans.Parallel.Engine.TaskStatus;

namespace Orleans.Parallel.Results;

/// <summary>What is known about one task: where and when it ran, how it ended, what it printed.</summary>
/// <param name="MsgId">The task's message id.</param>
/// <param name="EngineId">The engine it was sent to.</param>
/// <param name="Submitted">When the client submitted it (UTC).</param>
/// <param name="Started">When the engine started it (UTC), null until then or if it never ran.</param>
/// <param name="Completed">When the engine finished it (UTC).</param>
/// <param name="Received">When the client received the reply (UTC).</param>
/// <param name="Status">Pending, Ok, Error or Aborted.</param>
/// <param name="Stdout">What the task wrote to <see cref="Console.Out"/>.</param>
/// <param name="Stderr">What the task wrote to <see cref="Console.Error"/>.</param>
/// <param name="Error">The task's error, if it failed.</param>
/// <param name="ExecuteResult">For scripts, the text of the value of a final expression, if any.</param>
/// <param name="Timings">For scripts, where the time went on the engine (compile phases, load, run); null for other tasks and records read from the hub.</param>
public sealed record TaskMetadata(
    Guid MsgId,
    int EngineId,
    DateTime Submitted,
    DateTime? Started,
    DateTime? Completed,
    DateTime? Received,
    TaskStatus Status,
    string Stdout,
    string Stderr,
    Exception? Error,
    string? ExecuteResult,
    ExecuteTimings? Timings = null);
