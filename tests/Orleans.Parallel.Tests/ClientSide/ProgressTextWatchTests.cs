using Orleans.Parallel.Results.Watching;

namespace Orleans.Parallel.Tests.ClientSide;

/// <summary>The words of a watch: done of total, rate, elapsed, ETA, engines busy, failures.</summary>
public sealed class ProgressTextWatchTests
{
    [Fact]
    public void Everything_Known() =>
        Assert.Equal("25/100 items (25%), 2.5 items/s, elapsed 0:00:10, ETA 0:00:30, 2/4 engines busy, 1 failed",
            ProgressText.Line(new ProgressSnapshot(25, 100, "items", TimeSpan.FromSeconds(10), 1, new EngineLoad(2, 4))));

    [Fact]
    public void UnknownTotal_HasNoPercentageOrEta() =>
        Assert.Equal("7 items, 3.5 items/s, elapsed 0:00:02",
            ProgressText.Line(new ProgressSnapshot(7, null, "items", TimeSpan.FromSeconds(2), 0, null)));

    [Fact]
    public void NothingDoneYet_HasAnUnknownEta() =>
        Assert.Equal("0/3 tasks (0%), 0.0 tasks/s, elapsed 0:00:05, ETA ?",
            ProgressText.Line(new ProgressSnapshot(0, 3, "tasks", TimeSpan.FromSeconds(5), 0, null)));

    [Fact]
    public void AlmostDone_IsNotRoundedUpTo100Percent() =>
        Assert.StartsWith("999/1000 tasks (99%)", ProgressText.Line(new ProgressSnapshot(999, 1000, "tasks", TimeSpan.FromSeconds(1), 0, null)));

    [Fact]
    public void LongDurations_CountHours() =>
        Assert.Equal("27:03:04", ProgressText.Duration(new TimeSpan(1, 3, 3, 4)));
}
