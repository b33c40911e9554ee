using Orleans.Parallel.Engine;

namespace Orleans.Parallel.Broadcast;

/// <summary>One request for several engines of one silo: each target becomes an <see cref="EngineTask"/> there.</summary>
/// <param name="SessionId">The submitting client session.</param>
/// <param name="Request">What every target does; it travels once.</param>
/// <param name="Label">The sending view's label, kept in the task records.</param>
/// <param name="Targets">The engines, each with its own message id and place in the session's order.</param>
/// <remarks>
/// Not immutable: a client in the silo's own process must not hand its objects (a pushed list, say)
/// to an engine uncopied, as a message between processes would not either.
/// </remarks>
[GenerateSerializer, Alias("op.EngineBroadcast")]
public sealed record EngineBroadcast(
    [property: Id(0)] Guid SessionId,
    [property: Id(1)] EngineRequest Request,
    [property: Id(2)] string? Label,
    [property: Id(3)] IReadOnlyList<BroadcastTarget> Targets)
{
    /// <summary>The task target <paramref name="index"/> runs, with <paramref name="request"/> (the broadcast's own by default).</summary>
    public EngineTask TaskFor(int index, EngineRequest? request = null)
    {
        var target = Targets[index];
        return new EngineTask(target.MsgId, SessionId, target.Submitted, request ?? Request, target.Seq, Label, target.TraceParent);
    }
}

/// <summary>One engine of an <see cref="EngineBroadcast"/>.</summary>
/// <param name="EngineId">The engine's id.</param>
/// <param name="Incarnation">The engine grain that is that id now.</param>
/// <param name="MsgId">The task's message id.</param>
/// <param name="Seq">The task's number among the session's tasks for this engine.</param>
/// <param name="Submitted">When the client submitted it (UTC).</param>
/// <param name="TraceParent">The W3C traceparent of the client's span for it; null when nobody traces.</param>
[GenerateSerializer, Immutable, Alias("op.BroadcastTarget")]
public readonly record struct BroadcastTarget(
    [property: Id(0)] int EngineId,
    [property: Id(1)] Guid Incarnation,
    [property: Id(2)] Guid MsgId,
    [property: Id(3)] long Seq,
    [property: Id(4)] DateTime Submitted,
    [property: Id(5)] string? TraceParent = null);
