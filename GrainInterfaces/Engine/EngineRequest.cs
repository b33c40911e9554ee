using Orleans.Parallel.Wire;

namespace Orleans.Parallel.Engine;

/// <summary>What a task asks of an engine. One record per kind.</summary>
[GenerateSerializer, Alias("op.EngineRequest")]
public abstract record EngineRequest;

/// <summary>Run C# script statements in the engine's namespace.</summary>
[GenerateSerializer, Alias("op.ExecuteRequest")]
public sealed record ExecuteRequest([property: Id(0)] string Code) : EngineRequest;

/// <summary>Set namespace variables.</summary>
[GenerateSerializer, Alias("op.PushRequest")]
public sealed record PushRequest([property: Id(0)] IReadOnlyDictionary<string, object?> Values) : EngineRequest;

/// <summary>Read namespace variables; one name gives the value, several give an <c>object?[]</c> in name order.</summary>
[GenerateSerializer, Alias("op.PullRequest")]
public sealed record PullRequest([property: Id(0)] IReadOnlyList<string> Names, [property: Id(1)] bool Single) : EngineRequest;

/// <summary>Call a function with arguments (which may be <see cref="ReferenceArg"/>s).</summary>
[GenerateSerializer, Alias("op.ApplyRequest")]
public sealed record ApplyRequest([property: Id(0)] FunctionPayload Function, [property: Id(1)] object?[] Args) : EngineRequest;

/// <summary>
/// Call a function on every item of a chunk (an array, possibly a <see cref="PackedArray"/>); the
/// result is an array in item order. With <paramref name="More"/>, the function takes one argument
/// from each sequence (all of the same length) per call. An item that raises fails the chunk, and
/// its error names the item's index in the chunk (<see cref="RemoteError.Item"/>); with
/// <paramref name="ItemErrors"/> (ipyparallel's <c>return_exceptions</c>) the other items still run,
/// and the result is <c>object?[] { values, MapItemError[] }</c>, the failed items' values left default.
/// </summary>
[GenerateSerializer, Alias("op.MapRequest")]
public sealed record MapRequest(
    [property: Id(0)] FunctionPayload Function,
    [property: Id(1)] object Items,
    [property: Id(2)] IReadOnlyList<object>? More = null,
    [property: Id(3)] bool ItemErrors = false) : EngineRequest;

/// <summary>Empty the namespace.</summary>
[GenerateSerializer, Alias("op.ClearRequest")]
public sealed record ClearRequest : EngineRequest;

/// <summary>Does nothing; fills its sequence number when the client could not send the task that had it.</summary>
[GenerateSerializer, Alias("op.SkipRequest")]
public sealed record SkipRequest : EngineRequest;

/// <summary>Store the namespace's variables as the engine's checkpoint (in the cluster's durable grain storage).</summary>
[GenerateSerializer, Alias("op.CheckpointRequest")]
public sealed record CheckpointRequest : EngineRequest;

/// <summary>Set the variables of engine <paramref name="FromEngineId"/>'s last checkpoint (usually the engine's own id).</summary>
[GenerateSerializer, Alias("op.RestoreRequest")]
public sealed record RestoreRequest([property: Id(0)] int FromEngineId) : EngineRequest;

/// <summary>
/// List the namespace's variable names (ipyparallel's <c>keys</c>), sorted: as a <c>string[]</c>, or
/// with <paramref name="WithTypes"/> as <see cref="NamespaceVariable"/>s naming each value's type.
/// </summary>
[GenerateSerializer, Alias("op.KeysRequest")]
public sealed record KeysRequest([property: Id(0)] bool WithTypes) : EngineRequest;
