namespace Orleans.Parallel.Grains.Engine;

/// <summary>A task named a variable the engine's namespace does not hold.</summary>
public sealed class UnknownVariableException(string name)
    : KeyNotFoundException($"Name '{name}' is not defined in the engine's namespace. Push it or assign it in a script first.")
{
    /// <summary>The missing variable.</summary>
    public string VariableName { get; } = name;
}
