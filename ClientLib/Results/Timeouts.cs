namespace Orleans.Parallel.Results;

/// <summary>Validates user timeouts once, the same way everywhere.</summary>
internal static class Timeouts
{
    /// <summary>Milliseconds for <see cref="Task.Wait(int)"/>: -1 for null (for ever).</summary>
    public static int Check(TimeSpan? timeout, string name = "timeout")
    {
        if (timeout is null || timeout == Timeout.InfiniteTimeSpan) return Timeout.Infinite;
        if (timeout < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(name, timeout, "A timeout cannot be negative; pass null to wait for ever.");
        return (int)Math.Min(timeout.Value.TotalMilliseconds, int.MaxValue - 1);
    }
}
