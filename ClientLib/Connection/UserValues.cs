using Orleans.Parallel.Values;
using Orleans.Parallel.Wire;

namespace Orleans.Parallel.Connection;

/// <summary>Rebuilds user-typed results in this process, from this process's own types.</summary>
internal static class UserValues
{
    public static object? Read(UserValue value)
    {
        var data = value.Data as byte[] ?? throw new InvalidDataException($"The {value.TypeName} result carries no data.");
        return GraphCodec.Deserialize(data, Bind);
    }

    /// <summary>Every object of a value names its type; a large collection names the same few many times.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string Assembly, string Type), Type> Types = new();

    private static Type Bind(string assembly, string type) => Types.GetOrAdd((assembly, type), key =>
        Type.GetType($"{key.Type}, {key.Assembly}", throwOnError: false)
        ?? throw new TypeLoadException(
            $"The engine returned a {key.Type} from {key.Assembly}, which this process cannot load. Reference that assembly from the client."));
}
