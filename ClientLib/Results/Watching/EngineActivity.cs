namespace Orleans.Parallel.Results.Watching;

/// <summary>
/// The engines busy with a watched result, from the cluster's queue status (one hub call per
/// interval, counts only): an engine is busy when the task it runs now is one of the result's.
/// Queued tasks do not count, so the number is what actually runs, not what is waiting.
/// </summary>
internal sealed class EngineActivity : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _polling;
    private EngineLoad? _current;

    private EngineActivity(ParallelClient client, TimeSpan interval, Func<Guid, bool> isOurs) =>
        _polling = PollAsync(client, interval, isOurs);

    private EngineActivity() => _polling = Task.CompletedTask;

    /// <summary>Starts polling every <paramref name="interval"/>; with no client or no interval, reports nothing.</summary>
    public static EngineActivity Start(ParallelClient? client, TimeSpan? interval, Func<Guid, bool> isOurs) =>
        client is not null && interval is { } every ? new EngineActivity(client, every, isOurs) : new EngineActivity();

    /// <summary>The last answer; null before the first, or when the last question failed (the hub did not answer).</summary>
    public EngineLoad? Current
    {
        get
        {
            lock (_stop) return _current;
        }
    }

    private async Task PollAsync(ParallelClient client, TimeSpan interval, Func<Guid, bool> isOurs)
    {
        await Task.Yield(); // the caller goes on at once
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            EngineLoad? load;
            try
            {
                var status = await client.QueueStatusAsync(cancellationToken: token).ConfigureAwait(false);
                load = new EngineLoad(status.Engines.Count(e => e.Running is { } running && isOurs(running)), status.Engines.Count);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception)
            {
                load = null; // shown as unknown; the watch goes on
            }
            lock (_stop) _current = load;
            try
            {
                await Task.Delay(interval, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _polling.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }
}
