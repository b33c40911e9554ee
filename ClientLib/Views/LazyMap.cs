using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Orleans.Parallel.Results;

namespace Orleans.Parallel.Views;

/// <summary>
/// The engine of <see cref="LoadBalancedView.IMap{T, TResult}(Func{T, TResult}, IEnumerable{T}, int, bool, int?, CancellationToken)"/>:
/// keeps up to <c>window</c> chunk tasks in flight, reads the source only to refill it, and lets go
/// of each chunk once its results are yielded.
/// </summary>
internal sealed class LazyMap<T, TOut>(
    BalancedOperations ops,
    BalancedFlags flags,
    Delegate function,
    Func<int, CancellationToken, ValueTask<T[]>> read,
    Action close,
    int chunkSize,
    bool ordered,
    int window,
    bool itemErrors,
    Func<PendingMessage, IEnumerable<TOut>> project)
{
    public async IAsyncEnumerable<TOut> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var inOrder = new Queue<PendingMessage>();
        var finished = Channel.CreateUnbounded<PendingMessage>(new UnboundedChannelOptions { SingleReader = true });
        var inFlight = new HashSet<PendingMessage>();
        var more = true;
        var sent = 0; // items sent so far: the input index of the next chunk's first item
        try
        {
            while (true)
            {
                // A result already in hand must not slip out after the caller cancelled.
                cancellationToken.ThrowIfCancellationRequested();
                while (more && inFlight.Count < window)
                {
                    var chunk = await read(chunkSize, cancellationToken).ConfigureAwait(false);
                    if (chunk.Length == 0)
                    {
                        more = false;
                        break;
                    }
                    var message = ops.Map(flags, function, MapInput.Of(chunk), chunk.Length, itemErrors, sent)[0];
                    sent += chunk.Length;
                    inFlight.Add(message);
                    if (ordered) inOrder.Enqueue(message);
                    else _ = message.Reply.ContinueWith(_ => finished.Writer.TryWrite(message), CancellationToken.None,
                        TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                }
                if (inFlight.Count == 0) yield break;
                var next = ordered ? inOrder.Dequeue() : await finished.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                await next.Reply.WaitAsync(cancellationToken).ConfigureAwait(false);
                inFlight.Remove(next);
                if (!itemErrors && ReplyErrors.Of(next) is { } error) throw error;
                foreach (var item in project(next)) yield return item;
            }
        }
        finally
        {
            close();
            // Left early (break, error, cancellation): what still waits is not wanted any more.
            if (inFlight.Count > 0) await ops.Client.AbortAsync(inFlight.ToArray()).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}
