using Orleans.Parallel.Results;

namespace Orleans.Parallel.Benchmarks;

/// <summary>
/// With --breakdown: where a figure's time goes, from task metadata. client submit → engine start
/// (request path: serialization, transport, queueing), start → complete (on the engine), complete →
/// client receipt (reply path). Client and silo share this machine's clock, so the segments add up.
/// </summary>
internal sealed class Breakdown(bool enabled)
{
    private readonly List<AsyncResult> _results = [];

    /// <summary>Remembers <paramref name="result"/> (its metadata is read once it is done) and returns it.</summary>
    public T Keep<T>(T result) where T : AsyncResult
    {
        if (enabled) _results.Add(result);
        return result;
    }

    /// <summary>Adds <c>{prefix}_to_engine_ms</c>, <c>_on_engine_ms</c> and <c>_to_client_ms</c>: mean milliseconds per task.</summary>
    public void Report(string prefix, Figures figures)
    {
        var done = _results.SelectMany(r => r.Metadata).Where(t => t is { Started: not null, Completed: not null, Received: not null }).ToArray();
        _results.Clear(); // the results hold their values (80 MB for pull), which the memory figures should not count
        if (done.Length == 0) return;
        figures.Add($"{prefix}_to_engine_ms", done.Average(t => (t.Started!.Value - t.Submitted).TotalMilliseconds));
        figures.Add($"{prefix}_on_engine_ms", done.Average(t => (t.Completed!.Value - t.Started!.Value).TotalMilliseconds));
        figures.Add($"{prefix}_to_client_ms", done.Average(t => (t.Received!.Value - t.Completed!.Value).TotalMilliseconds));
        // Scripts: where the time on the engine went, per engine task (one compile serves every engine of a silo).
        var timed = done.Select(t => t.Timings).OfType<Orleans.Parallel.Engine.ExecuteTimings>().ToArray();
        if (timed.Length == 0) return;
        figures.Add($"{prefix}_compiled_share", timed.Count(t => t.Compiled) / (double)timed.Length);
        figures.Add($"{prefix}_prepare_ms", timed.Average(t => t.PrepareMs));
        figures.Add($"{prefix}_declare_ms", timed.Average(t => t.DeclareMs));
        figures.Add($"{prefix}_emit_ms", timed.Average(t => t.EmitMs));
        figures.Add($"{prefix}_load_ms", timed.Average(t => t.LoadMs));
        figures.Add($"{prefix}_run_ms", timed.Average(t => t.RunMs));
    }
}
