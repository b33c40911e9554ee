using Orleans.Parallel.Grains.Scheduling.Schemes;

namespace Orleans.Parallel.Grains.Scheduling;

/// <summary>How the silo's task queue hands load-balanced tasks to engines.</summary>
public sealed class SchedulerOptions
{
    /// <summary>
    /// The scheme that picks an engine: <c>leastload</c> (default; fewest outstanding, ties by least
    /// recently used), <c>lru</c>, <c>plainrandom</c>, <c>twobin</c> or <c>weighted</c>.
    /// </summary>
    public string Scheme { get; set; } = SchedulingSchemes.Default;

    /// <summary>
    /// The high-water mark: at most this many load-balanced tasks outstanding on one engine (queued
    /// there or running). Default 1, which balances best when task durations vary; 0 means no limit
    /// (tasks are spread at once, which suits many tiny tasks).
    /// </summary>
    public int HighWaterMark { get; set; } = 1;

    /// <summary>Throws if the scheme is unknown or the high-water mark negative.</summary>
    public void Validate()
    {
        SchedulingSchemes.Get(Scheme);
        if (HighWaterMark < 0)
            throw new ArgumentOutOfRangeException(nameof(HighWaterMark), HighWaterMark, "The high-water mark cannot be negative; 0 means no limit.");
    }
}
