using System.Runtime.CompilerServices;
using Orleans.Parallel.Results;

namespace Orleans.Parallel.Linq;

/// <summary>
/// A <c>Where</c> whose predicate runs on the engines: the items go out to be tested, only the
/// verdicts (with each item's input index) come back, and the items kept are the ones read here.
/// </summary>
internal static class RemoteFilter
{
    /// <summary>The items of <paramref name="upstream"/> whose verdict from <paramref name="test"/> is true, in the order the verdicts come.</summary>
    public static async IAsyncEnumerable<T> RunAsync<T>(IAsyncEnumerable<T> upstream,
        Func<IAsyncEnumerable<T>, IAsyncEnumerable<MapItem<bool>>> test, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Items read but not judged yet: at most the lazy map's window of chunks.
        var waiting = new Dictionary<int, T>();
        await foreach (var verdict in test(Recorded(upstream, waiting, cancellationToken)).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            waiting.Remove(verdict.Index, out var item);
            if (verdict.Error is { } error) throw error;
            if (verdict.Value) yield return item!;
        }
    }

    /// <summary>Passes the items on, keeping each by its input index until its verdict comes.</summary>
    private static async IAsyncEnumerable<T> Recorded<T>(IAsyncEnumerable<T> upstream, Dictionary<int, T> waiting,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var index = 0;
        await foreach (var item in upstream.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            waiting.Add(index++, item);
            yield return item;
        }
    }
}
