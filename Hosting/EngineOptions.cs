namespace Orleans.Parallel.Hosting;

/// <summary>How many engines a silo starts.</summary>
public sealed class EngineOptions
{
    /// <summary>Engines this silo hosts. Default: the machine's processor count.</summary>
    public int Engines { get; set; } = Environment.ProcessorCount;

    /// <summary>
    /// Compile a first script in the background once the engines are up, so the user's first
    /// <c>Execute</c> does not pay for loading and compiling Roslyn (seconds). Default: true.
    /// </summary>
    public bool WarmUpScripts { get; set; } = true;

    internal void Validate()
    {
        if (Engines < 0) throw new ArgumentOutOfRangeException(nameof(Engines), Engines, "The number of engines cannot be negative.");
    }
}
