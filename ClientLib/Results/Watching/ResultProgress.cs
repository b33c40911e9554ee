namespace Orleans.Parallel.Results.Watching;

/// <summary>
/// Progress of an <see cref="AsyncResult"/>, read from its messages: done and total count a map's
/// items (as <see cref="AsyncResult.Progress"/> does) and other results' tasks; a failed task gives
/// one failure, and a map chunk with errors in place one per failed item.
/// </summary>
internal sealed class ResultProgress : IProgressSource
{
    private readonly AsyncResult _result;
    private readonly HashSet<Guid> _ids;
    private readonly HashSet<PendingMessage> _seen = [];
    private int _failed;

    public ResultProgress(AsyncResult result)
    {
        _result = result;
        _ids = result.Messages.Select(m => m.MsgId).ToHashSet();
        Ended = result.Messages.Count == 0 ? Task.CompletedTask : Task.WhenAll(result.Messages.Select(m => m.Reply));
        Unit = result.Messages.Any(m => m.MapSlice is not null) ? "items" : "tasks";
    }

    public int Done => _result.Progress;

    public int? Total => _result.ProgressTotal;

    public string Unit { get; }

    public TimeSpan Elapsed => _result.Elapsed;

    public int Failed => Volatile.Read(ref _failed);

    public bool Finished => _result.Ready;

    public bool Stopped => false;

    public Task Ended { get; }

    public bool IsOurs(Guid msgId) => _ids.Contains(msgId);

    public IReadOnlyList<WatchedFailure> TakeFailures()
    {
        var found = new List<WatchedFailure>();
        foreach (var message in _result.Messages)
        {
            if (!message.IsDone || !_seen.Add(message)) continue;
            if (ReplyErrors.Of(message) is { } error)
            {
                // A map chunk that failed as a whole fails all its items.
                Interlocked.Add(ref _failed, message.MapSlice?.Length ?? 1);
                found.Add(WatchedFailure.Of(error, message.EngineId));
                continue;
            }
            foreach (var itemError in MapItemReader.Errors(message))
            {
                Interlocked.Increment(ref _failed);
                found.Add(WatchedFailure.Of(itemError, message.EngineId));
            }
        }
        return found;
    }
}
