using Orleans.Parallel.Engine;

namespace Orleans.Parallel.Grains.Isolation;

/// <summary>
/// The values a request carries at its top level (a push's values, an apply's arguments, a map's
/// sequences): the ones the silo swaps for what an engine process receives instead (bulk arrays,
/// arrays sent after their frame).
/// </summary>
internal static class RequestValues
{
    /// <summary>Whether any of the request's values matches.</summary>
    public static bool Any(EngineRequest request, Func<object?, bool> match) => request switch
    {
        PushRequest r => r.Values.Values.Any(match),
        ApplyRequest r => r.Args.Any(match),
        MapRequest r => match(r.Items) || (r.More ?? []).Any(match),
        _ => false,
    };

    /// <summary>The request with each of its values replaced by <paramref name="value"/> of it.</summary>
    public static EngineRequest Map(EngineRequest request, Func<object?, object?> value) => request switch
    {
        PushRequest r => r with { Values = r.Values.ToDictionary(kv => kv.Key, kv => value(kv.Value)) },
        ApplyRequest r => r with { Args = [.. r.Args.Select(value)] },
        MapRequest r => r with { Items = value(r.Items)!, More = r.More?.Select(m => value(m)!).ToList() },
        _ => request,
    };
}
