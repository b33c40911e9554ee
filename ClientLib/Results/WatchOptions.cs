using Spectre.Console;

namespace Orleans.Parallel.Results;

/// <summary>
/// How <see cref="AsyncResult.WatchAsync"/> (and <see cref="ProgressWatching.Watch{T}"/> for a lazy
/// map) shows progress: where it writes, how often, what it asks the cluster, and what a cancelled
/// watch does. The defaults suit a person at a terminal.
/// </summary>
public sealed class WatchOptions
{
    /// <summary>
    /// Where progress is shown. Default: null, Spectre.Console's <see cref="AnsiConsole.Console"/>.
    /// A console whose profile is interactive and supports ANSI gets a live progress bar; any other
    /// (and the default console when standard output is redirected) gets plain lines without ANSI codes.
    /// </summary>
    public IAnsiConsole? Console { get; set; }

    /// <summary>How often the live bar is redrawn, and how soon a failure is shown. Default: 200 ms.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// How often a plain progress line is printed when the output is not interactive (a log, a pipe).
    /// The first line comes at once, the last when the watch ends; failures are printed as they happen.
    /// Default: 10 s.
    /// </summary>
    public TimeSpan LineInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often the cluster's queue status is asked for the engines busy with this result's tasks
    /// (one hub call, answered from every engine's queue, counts only). Null: never ask, and show no
    /// engine count. Default: 1 s.
    /// </summary>
    public TimeSpan? EngineStatusInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Whether cancelling the watch also aborts the result's tasks. Default: false, the tasks keep
    /// running and only the watching stops. Has no effect on <see cref="ProgressWatching.Watch{T}"/>:
    /// leaving a lazy map early always aborts its waiting chunks.
    /// </summary>
    public bool AbortOnCancel { get; set; }

    /// <summary>
    /// How many failures are shown one line each; past that they are only counted (a map where every
    /// item fails would otherwise flood the screen). Default: 20.
    /// </summary>
    public int MaxFailureLines { get; set; } = 20;

    /// <summary>Checks every setting, naming the first that is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An interval is not positive, or <see cref="MaxFailureLines"/> is negative.</exception>
    internal void Validate()
    {
        Positive(RefreshInterval, nameof(RefreshInterval));
        Positive(LineInterval, nameof(LineInterval));
        if (EngineStatusInterval is { } status) Positive(status, nameof(EngineStatusInterval));
        if (MaxFailureLines < 0)
            throw new ArgumentOutOfRangeException(nameof(MaxFailureLines), MaxFailureLines,
                "WatchOptions.MaxFailureLines cannot be negative; use 0 to count failures without a line each.");
    }

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(name, value, $"WatchOptions.{name} must be a positive time span; it was {value}.");
    }
}
