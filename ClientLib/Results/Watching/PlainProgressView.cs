using System.Diagnostics;

namespace Orleans.Parallel.Results.Watching;

/// <summary>
/// Progress as plain lines, for output that is not a terminal: one at once, then one every
/// <paramref name="interval"/>, a line per failure as it happens, and a final line. Written to the
/// console's writer itself, so no ANSI code and no wrapping at a guessed width reaches the log.
/// </summary>
internal sealed class PlainProgressView(TextWriter writer, TimeSpan interval) : ProgressView
{
    private readonly Stopwatch _sinceLine = new();

    public override Task RunAsync(Func<Task> loop) => loop();

    public override void Show(ProgressSnapshot snapshot)
    {
        if (_sinceLine.IsRunning && _sinceLine.Elapsed < interval) return;
        writer.WriteLine("progress: " + ProgressText.Line(snapshot));
        _sinceLine.Restart();
    }

    public override void Fail(WatchedFailure failure) => writer.WriteLine("failed: " + failure.Line);

    public override void FailuresCapped(int shown) =>
        writer.WriteLine($"failed: ... more failures are counted, not shown (the first {shown} are above)");

    public override void Finish(ProgressSnapshot snapshot) => writer.WriteLine("finished: " + ProgressText.Line(snapshot));

    public override void Stopped(ProgressSnapshot snapshot, string what) =>
        writer.WriteLine($"stopped watching: {ProgressText.Line(snapshot)}; {what}");
}
