namespace Orleans.Parallel.Grains.Scheduling.Placement;

/// <summary>
/// Places a grain whose string key is a silo's address on that silo (while it is alive), else on
/// the calling silo. For grains that are a silo's address in the cluster, like <see cref="TaskQueueGrain"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("op.SiloBoundPlacement")]
public sealed class SiloBoundPlacement : PlacementStrategy
{
    internal static readonly SiloBoundPlacement Instance = new();
}
