namespace Orleans.Parallel.Engine;

/// <summary>How a task ended.</summary>
/// <remarks>
/// Serialized with its type: a query carries statuses as <c>object</c> values
/// (<see cref="Hub.TaskCondition.Value"/>), and Orleans turns an enum without a generated codec into
/// its underlying int in such a field (dotnet/orleans#8210), which the hub then refuses as no status.
/// </remarks>
[GenerateSerializer, Alias("op.TaskStatus")]
public enum TaskStatus
{
    /// <summary>Not finished yet.</summary>
    Pending,
    /// <summary>Finished without error.</summary>
    Ok,
    /// <summary>Raised an error (or could not run).</summary>
    Error,
    /// <summary>Removed from the queue before it ran.</summary>
    Aborted,
}

/// <summary>
/// An engine's report of one finished task. <c>Stdout</c> and <c>Stderr</c> keep at most
/// <see cref="OutputStreams.KeptChars"/> characters each; <c>Streamed</c> says how many
/// <see cref="OutputChunk"/>s of its output went to the client live (0: all of it is here).
/// An Execute's reply carries <see cref="ExecuteTimings"/>, where its time went on the engine.
/// </summary>
[GenerateSerializer, Alias("op.TaskReply")]
public sealed record TaskReply(
    [property: Id(0)] Guid MsgId,
    [property: Id(1)] int EngineId,
    [property: Id(2)] TaskStatus Status,
    [property: Id(3)] object? Result,
    [property: Id(4)] RemoteError? Error,
    [property: Id(5)] DateTime? Started,
    [property: Id(6)] DateTime Completed,
    [property: Id(7)] string Stdout,
    [property: Id(8)] string Stderr,
    [property: Id(9)] string? ExecuteResult,
    [property: Id(10)] int Streamed = 0,
    [property: Id(11)] ExecuteTimings? Timings = null);
