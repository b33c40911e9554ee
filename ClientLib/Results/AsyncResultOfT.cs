using System.Runtime.CompilerServices;
using Orleans.Parallel.Engine;

namespace Orleans.Parallel.Results;

/// <summary>A pending outcome that carries a value of type <typeparamref name="T"/>.</summary>
public class AsyncResult<T> : AsyncResult
{
    private readonly Func<IReadOnlyList<TaskReply>, T> _project;
    private T? _value;
    private bool _projected;

    internal AsyncResult(ParallelClient client, IReadOnlyList<PendingMessage> messages, bool scalar,
        Func<IReadOnlyList<TaskReply>, T> project)
        : base(client, messages, scalar) => _project = project;

    /// <summary>Waits (up to <paramref name="timeout"/>, null for ever) and returns the value or raises the error.</summary>
    /// <exception cref="TimeoutException">The result is not ready within the timeout.</exception>
    public new T Get(TimeSpan? timeout = null)
    {
        WaitOrThrow(timeout);
        return Value();
    }

    /// <summary>A task that completes with the value (or the error).</summary>
    public new async Task<T> AsTask()
    {
        if (!Ready) await AllDone.ConfigureAwait(false);
        return Value();
    }

    /// <summary>Makes the result awaitable for its value.</summary>
    public new TaskAwaiter<T> GetAwaiter() => AsTask().GetAwaiter();

    private T Value()
    {
        ThrowIfFailed();
        if (!_projected)
        {
            _value = _project(Messages.Select(m => m.Done!).ToArray());
            _projected = true;
        }
        return _value!;
    }
}
