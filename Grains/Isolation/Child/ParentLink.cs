using System.Collections.Concurrent;
using Orleans.Parallel.Checkpoints;
using Orleans.Parallel.Grains.Checkpoints;
using Orleans.Parallel.Grains.Code;
using Orleans.Parallel.Grains.Isolation.Protocol;

namespace Orleans.Parallel.Grains.Isolation.Child;

/// <summary>
/// What an engine process asks of its silo: the cluster's uploaded assemblies and checkpoints. A call
/// is a frame to the silo; its answer comes back on the process's reader thread.
/// </summary>
internal sealed class ParentLink : IAssemblySource, ICheckpointStore
{
    private readonly ConcurrentDictionary<long, TaskCompletionSource<object?>> _calls = new();
    private long _next;
    private FrameChannel? _channel;

    /// <summary>Connects the link to the silo (the channel needs the serializer this link's container builds).</summary>
    public void Attach(FrameChannel channel) => _channel = channel;

    public async Task<byte[]?> GetAsync(string contentHash) => (byte[]?)await CallAsync(new FetchAssemblyCall(contentHash));

    public async Task<bool> SaveAsync(EngineCheckpoint checkpoint) => (bool)(await CallAsync(new SaveCheckpointCall(checkpoint)))!;

    public async Task<EngineCheckpoint?> GetAsync(int engineId) => (EngineCheckpoint?)await CallAsync(new GetCheckpointCall(engineId));

    /// <summary>On the reader thread: the silo answered.</summary>
    public void Answered(AnswerFrame answer)
    {
        if (!_calls.TryRemove(answer.CallId, out var call)) return;
        if (answer.Error is { } error) call.TrySetException(new InvalidOperationException(error));
        else call.TrySetResult(answer.Value);
    }

    private Task<object?> CallAsync(ParentCall request)
    {
        var channel = _channel ?? throw new InvalidOperationException("The engine process is not connected to its silo.");
        var id = Interlocked.Increment(ref _next);
        var answer = new TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _calls[id] = answer;
        channel.Send(new CallFrame(id, request));
        return answer.Task;
    }
}
