namespace Orleans.Parallel.Results.Watching;

/// <summary>What a watch follows: an <see cref="AsyncResult"/>, or a lazy map being read.</summary>
internal interface IProgressSource
{
    /// <summary>How many units are done.</summary>
    int Done { get; }

    /// <summary>How many units there are; null when unknown.</summary>
    int? Total { get; }

    /// <summary>"tasks", or "items" for a map.</summary>
    string Unit { get; }

    /// <summary>Time since the work began.</summary>
    TimeSpan Elapsed { get; }

    /// <summary>How many units failed so far.</summary>
    int Failed { get; }

    /// <summary>The work has ended (every task, or the enumeration ran to its end).</summary>
    bool Finished { get; }

    /// <summary>The reading stopped before the end (a lazy map left early); never for an <see cref="AsyncResult"/>.</summary>
    bool Stopped { get; }

    /// <summary>Completes when <see cref="Finished"/> or <see cref="Stopped"/> turns true (wakes the watch at once).</summary>
    Task Ended { get; }

    /// <summary>The failures not reported yet, oldest first.</summary>
    IReadOnlyList<WatchedFailure> TakeFailures();

    /// <summary>Whether a task, by msg id, is one of the watched work's (for the engines busy with it).</summary>
    bool IsOurs(Guid msgId);
}
