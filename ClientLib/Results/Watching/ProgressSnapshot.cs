namespace Orleans.Parallel.Results.Watching;

/// <summary>How many engines run a watched result's tasks, out of how many there are.</summary>
internal readonly record struct EngineLoad(int Busy, int Engines);

/// <summary>
/// What a watch shows at one moment: done of total (total null when unknown, as for a lazy map over
/// an endless source), in <paramref name="Unit"/>s (tasks, or a map's items), since the work began.
/// </summary>
internal sealed record ProgressSnapshot(int Done, int? Total, string Unit, TimeSpan Elapsed, int Failed, EngineLoad? Engines)
{
    /// <summary>Done per second since the work began; 0 before anything is done.</summary>
    public double Rate => Elapsed > TimeSpan.Zero ? Done / Elapsed.TotalSeconds : 0;

    /// <summary>Time left at <see cref="Rate"/>; null while the rate or the total is unknown.</summary>
    public TimeSpan? Eta => Total is { } total && Rate > 0
        ? TimeSpan.FromSeconds(Math.Max(0, total - Done) / Rate)
        : null;

    /// <summary>Done as a fraction of the total (1 for an empty total); null when the total is unknown.</summary>
    public double? Fraction => Total is { } total ? total == 0 ? 1 : (double)Done / total : null;
}
