namespace Orleans.Parallel.Hosting;

/// <summary>How many engines a silo starts.</summary>
public sealed class EngineOptions
{
    /// <summary>Engines this silo hosts. Default: the machine's processor count.</summary>
    public int Engines { get; set; } = Environment.ProcessorCount;

    internal void Validate()
    {
        if (Engines < 0) throw new ArgumentOutOfRangeException(nameof(Engines), Engines, "The number of engines cannot be negative.");
    }
}
