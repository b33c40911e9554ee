using Spectre.Console;
using Spectre.Console.Rendering;

namespace Orleans.Parallel.Results.Watching;

/// <summary>
/// Progress as a live Spectre.Console bar (spinner, bar, then the snapshot's words), redrawn by the
/// watch loop; failures are written above it as they happen and stay on screen.
/// </summary>
internal sealed class LiveProgressView(IAnsiConsole console) : ProgressView
{
    private readonly SnapshotColumn _words = new();
    private ProgressContext? _context;
    private ProgressTask? _bar;

    public override Task RunAsync(Func<Task> loop) =>
        console.Progress()
            .AutoClear(false)
            .AutoRefresh(false)
            .HideCompleted(false)
            .Columns(new SpinnerColumn(), new ProgressBarColumn(), _words)
            .StartAsync(async context =>
            {
                _context = context;
                _bar = context.AddTask("watch", autoStart: true, maxValue: 1);
                await loop().ConfigureAwait(false);
            });

    public override void Show(ProgressSnapshot snapshot)
    {
        if (_context is null || _bar is null) return;
        _words.Snapshot = snapshot;
        _bar.IsIndeterminate = snapshot.Total is null;
        _bar.MaxValue = Math.Max(1, snapshot.Total ?? 1);
        _bar.Value = snapshot.Total is 0 ? 1 : snapshot.Done;
        _context.Refresh();
    }

    public override void Fail(WatchedFailure failure) =>
        console.MarkupLine($"[red]✗[/] {Markup.Escape(failure.Line)}");

    public override void FailuresCapped(int shown) =>
        console.MarkupLine($"[red]✗[/] [dim]... more failures are counted, not shown (the first {shown} are above)[/]");

    public override void Finish(ProgressSnapshot snapshot)
    {
        Show(snapshot);
        _bar?.StopTask();
        _context?.Refresh();
    }

    public override void Stopped(ProgressSnapshot snapshot, string what) =>
        console.MarkupLine($"[yellow]Stopped watching[/] at {Markup.Escape(ProgressText.Line(snapshot))}; {Markup.Escape(what)}");

    /// <summary>The snapshot's words after the bar, with the failure count in red.</summary>
    private sealed class SnapshotColumn : ProgressColumn
    {
        private volatile ProgressSnapshot? _snapshot;

        public ProgressSnapshot? Snapshot
        {
            get => _snapshot;
            set => _snapshot = value;
        }

        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime)
        {
            if (_snapshot is not { } snapshot) return new Text("");
            var parts = ProgressText.Parts(snapshot).Select(Markup.Escape).ToArray();
            if (snapshot.Failed > 0) parts[^1] = $"[red]{parts[^1]}[/]";
            return new Markup(string.Join(" [dim]·[/] ", parts));
        }
    }
}
