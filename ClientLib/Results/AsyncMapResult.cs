using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Orleans.Parallel.Engine;

namespace Orleans.Parallel.Results;

/// <summary>
/// A pending list of values gathered from several tasks, in the order of the tasks (target order or
/// input order). Also an async stream: enumerating yields each task's values as soon as that task
/// and all before it have ended.
/// </summary>
public sealed class AsyncMapResult<T> : AsyncResult<IReadOnlyList<T>>, IAsyncEnumerable<T>
{
    private readonly Func<TaskReply, IEnumerable<T>> _perMessage;

    internal AsyncMapResult(ParallelClient client, IReadOnlyList<PendingMessage> messages,
        Func<TaskReply, IEnumerable<T>> perMessage, bool ordered = true)
        : base(client, messages, scalar: false, replies => Concat(replies.Select(perMessage).ToArray()))
        => (_perMessage, Ordered) = (perMessage, ordered);

    /// <summary>Whether enumerating yields values in input order (true) or as their tasks end (false). <c>Get</c> is always in input order.</summary>
    public bool Ordered { get; }

    /// <summary>Joins the blocks in order; arrays (scatter blocks, map chunks) are block-copied.</summary>
    private static T[] Concat(IEnumerable<T>[] blocks)
    {
        if (!blocks.All(b => b is T[])) return blocks.SelectMany(b => b).ToArray();
        var result = new T[blocks.Sum(b => ((T[])b).Length)];
        var offset = 0;
        foreach (T[] block in blocks)
        {
            Array.Copy(block, 0, result, offset, block.Length);
            offset += block.Length;
        }
        return result;
    }

    /// <inheritdoc />
    public async IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        var ended = Channel.CreateUnbounded<PendingMessage>(new UnboundedChannelOptions { SingleReader = true });
        if (!Ordered)
            foreach (var message in Messages)
                _ = message.Reply.ContinueWith(_ => ended.Writer.TryWrite(message), CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        for (var i = 0; i < Messages.Count; i++)
        {
            var message = Ordered ? Messages[i] : await ended.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            await message.Reply.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (ReplyErrors.Of(message) is { } error) throw error;
            foreach (var item in _perMessage(message.Done!)) yield return item;
        }
    }
}
