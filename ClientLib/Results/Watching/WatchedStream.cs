using System.Runtime.CompilerServices;

namespace Orleans.Parallel.Results.Watching;

/// <summary>
/// Reads an async stream (a lazy map) through to its reader while a watch shows the items read so
/// far: a <see cref="MapItem{T}"/> that failed, or an error the stream raises, is a failure.
/// </summary>
internal static class WatchedStream
{
    public static async IAsyncEnumerable<T> ReadAsync<T>(IAsyncEnumerable<T> source, ParallelClient client, int? total,
        WatchOptions options, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var progress = new StreamProgress(client, total);
        // The watch ends with the reading (to its end, or stopped early); the caller's token cancels the reading.
        var watching = ResultWatcher.RunAsync(progress, ResultWatcher.ViewFor(options), client, options, CancellationToken.None);
        var reader = source.GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await reader.MoveNextAsync().ConfigureAwait(false);
                }
                catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    progress.Fail(error);
                    throw;
                }
                if (!more) break;
                var item = reader.Current;
                progress.Item(ItemError(item));
                yield return item;
            }
            progress.Finish();
        }
        finally
        {
            progress.Close();
            try
            {
                await reader.DisposeAsync().ConfigureAwait(false);
            }
            finally
            {
                await watching.ConfigureAwait(false);
            }
        }
    }

    /// <summary>The error of a failed <see cref="MapItem{T}"/>; null for anything else.</summary>
    private static Exception? ItemError<T>(T item) => item is IMapItemOutcome outcome ? outcome.Error : null;
}
