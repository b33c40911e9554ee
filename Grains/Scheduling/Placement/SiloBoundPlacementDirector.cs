using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace Orleans.Parallel.Grains.Scheduling.Placement;

/// <summary>Puts the activation on the silo its key names, if that silo can host it; otherwise on the calling silo.</summary>
public sealed class SiloBoundPlacementDirector : IPlacementDirector
{
    /// <inheritdoc />
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var compatible = context.GetCompatibleSilos(target);
        var key = target.GrainIdentity.Key.ToString();
        SiloAddress? named = null;
        try { named = SiloAddress.FromParsableString(key); }
        catch (FormatException) { /* not a silo address: any silo will do */ }
        var chosen = named is not null && compatible.Contains(named) ? named
            : compatible.Contains(context.LocalSilo) ? context.LocalSilo
            : compatible[Random.Shared.Next(compatible.Length)];
        return Task.FromResult(chosen);
    }
}
