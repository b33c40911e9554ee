using Orleans.Parallel.Results.Watching;

namespace Orleans.Parallel.Results;

/// <summary>Watching a result as it runs, and showing what its tasks printed (ipyparallel's <c>wait_interactive</c> and <c>display_outputs</c>).</summary>
public partial class AsyncResult
{
    internal ParallelClient Client => _client;

    /// <summary>Whether this is one task's result with a scalar value (<c>rc[0]</c>, a load-balanced apply), not a list.</summary>
    internal bool Scalar => _scalar;

    /// <summary>What <see cref="Progress"/> counts up to: the tasks, or a map's items.</summary>
    internal virtual int ProgressTotal => Messages.Count;

    /// <summary>
    /// Shows live progress until every task has ended: done of total (a map's items, other results'
    /// tasks), the rate, the time elapsed since submission and the time left at that rate, the engines
    /// running this result's tasks (from the cluster's queue status, once a second), and a line per
    /// failure as it happens, with its engine and its error's first line. On an interactive terminal
    /// this is a Spectre.Console progress bar; when the output is redirected, plain progress lines.
    /// Does not raise the tasks' errors: await the result afterwards for its value.
    /// </summary>
    /// <param name="options">Where and how often to show progress, and whether a cancelled watch aborts; null for the defaults.</param>
    /// <param name="cancellationToken">
    /// Stops watching (raising <see cref="OperationCanceledException"/>). The tasks keep running unless
    /// <see cref="WatchOptions.AbortOnCancel"/> is set.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">A setting of <paramref name="options"/> is out of range; the message names it.</exception>
    public Task WatchAsync(WatchOptions? options = null, CancellationToken cancellationToken = default) =>
        ResultWatcher.WatchAsync(this, options, cancellationToken);

    /// <summary>The same as <see cref="WatchAsync"/>, under ipyparallel's name (<c>ar.wait_interactive()</c>).</summary>
    /// <param name="options">Where and how often to show progress, and whether a cancelled watch aborts; null for the defaults.</param>
    /// <param name="cancellationToken">Stops watching; the tasks keep running unless <see cref="WatchOptions.AbortOnCancel"/> is set.</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting of <paramref name="options"/> is out of range; the message names it.</exception>
    public Task WaitInteractiveAsync(WatchOptions? options = null, CancellationToken cancellationToken = default) =>
        WatchAsync(options, cancellationToken);

    /// <summary>
    /// Writes each task's stdout to <see cref="Console.Out"/> and stderr to <see cref="Console.Error"/>,
    /// labelled by engine as ipyparallel's <c>display_outputs</c> does: <c>[stdout:0]</c> on a line of its
    /// own before the text (left out when the same label came just before); a result of one task
    /// (<c>rc[0]</c>, a load-balanced apply) prints its text without labels.
    /// </summary>
    /// <param name="groupBy">All stdout then all stderr (the default), or engine by engine.</param>
    /// <exception cref="InvalidOperationException">The result is not ready: wait for it first.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="groupBy"/> is not a defined grouping.</exception>
    public void DisplayOutputs(OutputGrouping groupBy = OutputGrouping.Type) => DisplayOutputs(Console.Out, Console.Error, groupBy);

    /// <summary>
    /// Writes each task's stdout to <paramref name="stdout"/> and stderr to <paramref name="stderr"/> (or
    /// to <paramref name="stdout"/> when null), labelled by engine; see <see cref="DisplayOutputs(OutputGrouping)"/>.
    /// </summary>
    /// <param name="stdout">Where the tasks' standard output goes.</param>
    /// <param name="stderr">Where the tasks' standard error goes; null for <paramref name="stdout"/>.</param>
    /// <param name="groupBy">All stdout then all stderr (the default), or engine by engine.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stdout"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The result is not ready: wait for it first.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="groupBy"/> is not a defined grouping.</exception>
    public void DisplayOutputs(TextWriter stdout, TextWriter? stderr = null, OutputGrouping groupBy = OutputGrouping.Type)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        OutputDisplay.Write(this, stdout, stderr ?? stdout, groupBy);
    }
}
