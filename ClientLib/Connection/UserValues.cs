using Orleans.Parallel.Values;
using Orleans.Parallel.Wire;

namespace Orleans.Parallel.Connection;

/// <summary>Rebuilds user-typed results in this process, from this process's own types.</summary>
internal static class UserValues
{
    public static object? Read(UserValue value)
    {
        var data = value.Data as byte[] ?? throw new InvalidDataException($"The {value.TypeName} result carries no data.");
        return GraphCodec.Deserialize(data, (assembly, type) => Type.GetType($"{type}, {assembly}", throwOnError: false)
            ?? throw new TypeLoadException(
                $"The engine returned a {type} from {assembly}, which this process cannot load. Reference that assembly from the client."));
    }
}
