namespace Orleans.Parallel.Results.Watching;

/// <summary>Where a watch draws: a live Spectre.Console bar, or plain lines for logs and pipes.</summary>
internal abstract class ProgressView
{
    /// <summary>Runs the watch loop inside the view (the live bar exists only while it runs).</summary>
    public abstract Task RunAsync(Func<Task> loop);

    /// <summary>The progress now; the view decides whether to draw it.</summary>
    public abstract void Show(ProgressSnapshot snapshot);

    /// <summary>A failure, shown at once.</summary>
    public abstract void Fail(WatchedFailure failure);

    /// <summary>Failures past the line limit: said once, then only counted.</summary>
    public abstract void FailuresCapped(int shown);

    /// <summary>The work ended: the last progress.</summary>
    public abstract void Finish(ProgressSnapshot snapshot);

    /// <summary>After <see cref="RunAsync"/>: the watch stopped before the end, and what became of the work.</summary>
    public abstract void Stopped(ProgressSnapshot snapshot, string what);
}
