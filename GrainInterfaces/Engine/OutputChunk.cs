namespace Orleans.Parallel.Engine;

/// <summary>
/// A piece of what a running task wrote to standard output or error, streamed to its client while
/// the task runs (through the Orleans stream of the client's session, see <see cref="OutputStreams"/>).
/// </summary>
/// <param name="MsgId">The task that wrote it.</param>
/// <param name="EngineId">The engine the task runs on.</param>
/// <param name="IsError">From standard error (else standard output).</param>
/// <param name="Text">What was written, in order.</param>
/// <param name="Seq">The chunk's number among the task's chunks (0, 1, 2, …).</param>
[GenerateSerializer, Immutable, Alias("op.OutputChunk")]
public sealed record OutputChunk(
    [property: Id(0)] Guid MsgId,
    [property: Id(1)] int EngineId,
    [property: Id(2)] bool IsError,
    [property: Id(3)] string Text,
    [property: Id(4)] int Seq);

/// <summary>Where live output travels: one Orleans stream per client session, on this provider and namespace.</summary>
public static class OutputStreams
{
    /// <summary>The stream provider's name (a memory stream provider unless the host configures another).</summary>
    public const string Provider = "op-output";

    /// <summary>The streams' namespace; the key is the client's session id (<c>StreamId.Create(Namespace, sessionId)</c>).</summary>
    public const string Namespace = "op.output";

    /// <summary>The grain storage Orleans keeps stream subscriptions in.</summary>
    public const string PubSubStore = "PubSubStore";

    /// <summary>
    /// Most characters of each of a task's stdout and stderr that its reply and record keep (the last
    /// ones; what came before is replaced by a line saying how much). Live chunks carry everything.
    /// </summary>
    public const int KeptChars = 1 << 20;
}
