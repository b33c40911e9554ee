using Orleans.Placement;

namespace Orleans.Parallel.Grains.Scheduling.Placement;

/// <summary>Marks a grain keyed by a silo address to be placed on that silo (<see cref="SiloBoundPlacement"/>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SiloBoundPlacementAttribute() : PlacementAttribute(SiloBoundPlacement.Instance);
