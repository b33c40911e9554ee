using Spectre.Console;

namespace Orleans.Parallel.Results.Watching;

/// <summary>
/// The watch loop: every refresh interval (and at once when the work ends) it shows new failures and
/// the progress, until the work ends, the reading stops, or the caller cancels the watch.
/// </summary>
internal static class ResultWatcher
{
    /// <summary>Watches a result until it is ready; on cancellation, aborts its tasks only when the options say so.</summary>
    public static async Task WatchAsync(AsyncResult result, WatchOptions? options, CancellationToken cancellationToken)
    {
        options ??= new WatchOptions();
        options.Validate();
        var source = new ResultProgress(result);
        var view = ViewFor(options);
        try
        {
            await RunAsync(source, view, result.Client, options, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            var snapshot = Snapshot(source, null);
            if (!options.AbortOnCancel)
            {
                view.Stopped(snapshot, "the tasks keep running.");
                throw;
            }
            var outcome = await result.AbortAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
            view.Stopped(snapshot, outcome.AllEnded ? "aborted the tasks."
                : $"aborted the tasks; {outcome.StillRunning.Count} still run, ignoring their cancellation token.");
            throw;
        }
    }

    /// <summary>The view the options ask for: live when the console is interactive, ANSI and not a redirected standard output.</summary>
    public static ProgressView ViewFor(WatchOptions options)
    {
        var console = options.Console ?? AnsiConsole.Console;
        var capabilities = console.Profile.Capabilities;
        var redirected = ReferenceEquals(console.Profile.Out.Writer, Console.Out) && Console.IsOutputRedirected;
        return capabilities.Interactive && capabilities.Ansi && !redirected
            ? new LiveProgressView(console)
            : new PlainProgressView(console.Profile.Out.Writer, options.LineInterval);
    }

    /// <summary>Runs the loop in <paramref name="view"/> until the source ends or stops (said so), or the watch is cancelled.</summary>
    public static async Task RunAsync(IProgressSource source, ProgressView view, ParallelClient? client,
        WatchOptions options, CancellationToken cancellationToken)
    {
        await using var engines = EngineActivity.Start(client, options.EngineStatusInterval, source.IsOurs);
        var shown = 0;
        ProgressSnapshot last = Snapshot(source, null);
        await view.RunAsync(async () =>
        {
            while (true)
            {
                // Read the end first: every failure of a finished source is then in this round.
                var ended = source.Finished || source.Stopped;
                foreach (var failure in source.TakeFailures())
                {
                    if (shown < options.MaxFailureLines) view.Fail(failure);
                    else if (shown == options.MaxFailureLines) view.FailuresCapped(shown);
                    shown++;
                }
                last = Snapshot(source, engines.Current);
                if (ended)
                {
                    if (source.Finished) view.Finish(last);
                    return;
                }
                view.Show(last);
                await Task.WhenAny(source.Ended, Task.Delay(options.RefreshInterval, cancellationToken)).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }).ConfigureAwait(false);
        if (source.Stopped && !source.Finished) view.Stopped(last, "the reading stopped before the end of the results.");
    }

    private static ProgressSnapshot Snapshot(IProgressSource source, EngineLoad? engines) =>
        new(source.Done, source.Total, source.Unit, source.Elapsed, source.Failed, engines);
}
