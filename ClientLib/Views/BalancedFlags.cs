using Orleans.Parallel.Scheduling;

namespace Orleans.Parallel.Views;

/// <summary>A load-balanced view's flags as one call sends them.</summary>
internal sealed record BalancedFlags(
    IReadOnlyList<int>? Targets,
    Dependency? After,
    Dependency? Follow,
    int Retries,
    TimeSpan? Timeout,
    Requirement? Require,
    bool Track,
    string? Label);
