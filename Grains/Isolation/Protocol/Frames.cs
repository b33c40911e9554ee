using Orleans.Parallel.Checkpoints;
using Orleans.Parallel.Engine;
using Orleans.Parallel.Scheduling;

namespace Orleans.Parallel.Grains.Isolation.Protocol;

/// <summary>
/// What a silo and an isolated engine's process say to each other, one frame at a time over the
/// process's socket (<see cref="FrameChannel"/>), written by Orleans' serializer as grain messages are.
/// </summary>
[GenerateSerializer, Alias("op.child.Frame")]
internal abstract record Frame;

// Silo to process.

/// <summary>Run one task of engine <paramref name="EngineId"/> in the process's namespace; its bulk arrays are in the request itself.</summary>
[GenerateSerializer, Alias("op.child.Run")]
internal sealed record RunFrame([property: Id(0)] EngineTask Task, [property: Id(1)] TaskRequirement? Require, [property: Id(2)] int EngineId) : Frame;

/// <summary>Cancel the token of task <paramref name="MsgId"/> if it runs (or is about to).</summary>
[GenerateSerializer, Alias("op.child.Abort")]
internal sealed record AbortFrame([property: Id(0)] Guid MsgId) : Frame;

/// <summary>Compile a first script in the background, so the engine's first Execute does not wait for Roslyn.</summary>
[GenerateSerializer, Alias("op.child.WarmUp")]
internal sealed record WarmUpFrame : Frame;

/// <summary>A client session ended: forget its code.</summary>
[GenerateSerializer, Alias("op.child.EndSession")]
internal sealed record EndSessionFrame([property: Id(0)] Guid SessionId) : Frame;

/// <summary>The answer to the process's call <paramref name="CallId"/>: a value, or the error that prevented it.</summary>
[GenerateSerializer, Alias("op.child.Answer")]
internal sealed record AnswerFrame([property: Id(0)] long CallId, [property: Id(1)] object? Value, [property: Id(2)] string? Error) : Frame;

// Process to silo.

/// <summary>The process is ready for tasks.</summary>
[GenerateSerializer, Alias("op.child.Hello")]
internal sealed record HelloFrame([property: Id(0)] int ProcessId) : Frame;

/// <summary>Text the running task wrote, in order.</summary>
[GenerateSerializer, Alias("op.child.Output")]
internal sealed record OutputFrame([property: Id(0)] Guid MsgId, [property: Id(1)] bool IsError, [property: Id(2)] string Text) : Frame;

/// <summary>
/// How the task ended. Its result is in wire form already (the user's own types written by the
/// process's codec), with arrays whole: the silo offers them in bulk. <paramref name="Several"/>: the
/// result is an <c>object?[]</c> of values, each one offered on its own (a multi-name pull).
/// </summary>
[GenerateSerializer, Alias("op.child.Done")]
internal sealed record DoneFrame([property: Id(0)] TaskReply Reply, [property: Id(1)] bool Several) : Frame;

/// <summary>The process asks the silo for something only the cluster has; the silo answers with an <see cref="AnswerFrame"/>.</summary>
[GenerateSerializer, Alias("op.child.Call")]
internal sealed record CallFrame([property: Id(0)] long CallId, [property: Id(1)] ParentCall Call) : Frame;

/// <summary>What a process can ask of its silo.</summary>
[GenerateSerializer, Alias("op.child.ParentCall")]
internal abstract record ParentCall;

/// <summary>An uploaded assembly's bytes (answer: <c>byte[]</c> or null).</summary>
[GenerateSerializer, Alias("op.child.FetchAssembly")]
internal sealed record FetchAssemblyCall([property: Id(0)] string ContentHash) : ParentCall;

/// <summary>Store a checkpoint (answer: whether it is durable).</summary>
[GenerateSerializer, Alias("op.child.SaveCheckpoint")]
internal sealed record SaveCheckpointCall([property: Id(0)] EngineCheckpoint Checkpoint) : ParentCall;

/// <summary>An engine's last checkpoint (answer: <see cref="EngineCheckpoint"/> or null).</summary>
[GenerateSerializer, Alias("op.child.GetCheckpoint")]
internal sealed record GetCheckpointCall([property: Id(0)] int EngineId) : ParentCall;
