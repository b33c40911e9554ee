using Orleans.Parallel.Engine;
using Orleans.Parallel.Wire;

namespace Orleans.Parallel.Grains.Broadcast;

/// <summary>
/// Whether the engines of a broadcast may all take the same request object. Separate messages gave
/// each engine its own copy, and a pushed list or a captured array must stay one object per
/// namespace; but most requests hold nothing an engine could change (code text, numbers, strings,
/// arrays packed as bytes that unpack into new arrays), and copying those 10,000 times is waste.
/// </summary>
internal static class SharedRequests
{
    /// <summary>How deep closures inside closures are looked into before the request counts as one to copy.</summary>
    private const int MaxDepth = 16;

    public static bool Shareable(EngineRequest request) => request switch
    {
        ExecuteRequest or PullRequest or ClearRequest or KeysRequest or CheckpointRequest or RestoreRequest or SkipRequest => true,
        ApplyRequest apply => Plain(apply.Function, 0) && apply.Args.All(a => Plain(a, 0)),
        PushRequest push => push.Values.Values.All(v => Plain(v, 0)),
        _ => false,
    };

    private static bool Plain(object? value, int depth) => depth < MaxDepth && value switch
    {
        null or string or PackedArray or ReferenceArg or ClosureRef or AssemblyRef => true,
        FunctionPayload function => Plain(function.Target, depth + 1),
        ClosureValue closure => closure.Fields.All(f => Plain(f.Value, depth + 1)),
        UserValue user => user.Data is string or PackedArray,
        MemoryValue memory => memory.Data is PackedArray,
        decimal or DateTime or DateTimeOffset or TimeSpan or Guid or Enum => true,
        _ => value.GetType().IsPrimitive,
    };
}
