using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Orleans.Parallel.Engine;

namespace Orleans.Parallel.Results;

/// <summary>
/// A pending list of values gathered from several tasks, in the order of the tasks (target order or
/// input order). Also an async stream: enumerating yields each task's values as soon as that task
/// and all before it have ended. For a map, <see cref="Count"/> and <see cref="Progress"/> count
/// items (ipyparallel's <c>len(amr)</c>), not the chunk tasks that carry them.
/// </summary>
public sealed class AsyncMapResult<T> : AsyncResult<IReadOnlyList<T>>, IAsyncEnumerable<T>
{
    private readonly Func<PendingMessage, IEnumerable<T>> _perMessage;
    private readonly bool _errorsInPlace;
    private readonly int? _count;

    /// <summary>A result of one value per task (a pull, an apply), or of one block per task when <paramref name="blocks"/> (a gather).</summary>
    internal AsyncMapResult(ParallelClient client, IReadOnlyList<PendingMessage> messages,
        Func<TaskReply, IEnumerable<T>> perMessage, bool ordered = true, bool blocks = false)
        : this(client, messages, m => perMessage(m.Done!), ordered, errorsInPlace: false, blocks)
    {
    }

    /// <summary>
    /// A result read message by message. With <paramref name="errorsInPlace"/>, a failed task is not
    /// raised: <paramref name="perMessage"/> turns it into items too (a map's <see cref="MapItem{T}"/>s).
    /// </summary>
    internal AsyncMapResult(ParallelClient client, IReadOnlyList<PendingMessage> messages,
        Func<PendingMessage, IEnumerable<T>> perMessage, bool ordered, bool errorsInPlace, bool blocks = false)
        : base(client, messages, scalar: false, _ => Concat(messages.Select(perMessage).ToArray()))
    {
        (_perMessage, Ordered, _errorsInPlace) = (perMessage, ordered, errorsInPlace);
        // A map's chunks know their items; a pull or an apply gives one value per task; a gather's
        // blocks are as long as the engines' variables, known only once they arrive.
        _count = messages.Count > 0 && messages.All(m => m.MapSlice is not null) ? messages.Sum(m => m.MapSlice!.Value.Length)
            : blocks ? null : messages.Count;
    }

    /// <summary>Whether enumerating yields values in input order (true) or as their tasks end (false). <c>Get</c> is always in input order.</summary>
    public bool Ordered { get; }

    /// <summary>
    /// How many values the result holds: a map's items (not its chunks), one per engine for a pull or
    /// an apply. A gather's count is known once every block has arrived.
    /// </summary>
    /// <exception cref="InvalidOperationException">A gather whose blocks have not all arrived.</exception>
    public int Count => _count ?? (Ready
        ? Get(TimeSpan.Zero).Count
        : throw new InvalidOperationException("A gather's item count is known only once every engine's block has arrived; wait for the result first."));

    /// <summary>How many of its values are done: for a map, the items of the chunks that ended; otherwise, the tasks that ended.</summary>
    public override int Progress => Messages.Sum(m => m.IsDone ? m.MapSlice?.Length ?? 1 : 0);

    internal override int ProgressTotal => Messages.Sum(m => m.MapSlice?.Length ?? 1);

    private protected override string ProgressText => _count is { } count && Messages.Any(m => m.MapSlice is not null)
        ? $"{Progress} of {count} item(s) done"
        : base.ProgressText;

    private protected override bool ErrorsInPlace => _errorsInPlace;

    private protected override bool HasFailedItems(PendingMessage message) => _errorsInPlace && MapItemReader.HasErrors(message);

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
            if (!_errorsInPlace && ReplyErrors.Of(message) is { } error) throw error;
            foreach (var item in _perMessage(message)) yield return item;
        }
    }
}
