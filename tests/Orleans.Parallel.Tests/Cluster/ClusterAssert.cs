using Orleans.Parallel.Results;
using TaskStatus = Orleans.Parallel.Engine.TaskStatus;

namespace Orleans.Parallel.Tests.Cluster;

/// <summary>Checks shared by the cluster tests.</summary>
internal static class ClusterAssert
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Runs <paramref name="call"/>, which must throw <typeparamref name="TException"/> (exactly, or a subtype when
    /// <paramref name="exact"/> is false) on the client, and proves that nothing reached any engine: the client
    /// tracks no task afterwards, and a probe task sent next is the only task each engine completed meanwhile.
    /// </summary>
    public static async Task<TException> RejectedOnClientAsync<TException>(ParallelClient rc, Func<object?> call, bool exact = true)
        where TException : Exception
    {
        Assert.True(await rc.WaitAsync(Patience), "tasks of an earlier test are still outstanding");
        var before = (await rc.QueueStatusAsync()).Engines;

        var error = exact ? Assert.Throws<TException>(() => call()) : Assert.ThrowsAny<TException>(() => call());

        Assert.True(await rc.WaitAsync(TimeSpan.Zero), "the rejected call left a task outstanding on the client");
        await rc[..].PushAsync(new { cluster_assert_probe = 0 });
        var after = (await rc.QueueStatusAsync()).Engines;
        Assert.Equal(before.Select(s => s.EngineId), after.Select(s => s.EngineId));
        Assert.Equal(before.Select(s => s.Completed + 1), after.Select(s => s.Completed));
        Assert.All(after, s => Assert.Equal(0, s.QueueLength));
        return error;
    }

    /// <summary>Polls until <paramref name="condition"/> holds (failing after <paramref name="patience"/>, by default a few seconds).</summary>
    public static Task EventuallyAsync(Func<bool> condition, string what, TimeSpan? patience = null) =>
        EventuallyAsync(() => Task.FromResult(condition()), what, patience);

    /// <inheritdoc cref="EventuallyAsync(Func{bool}, string, TimeSpan?)"/>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? patience = null)
    {
        var deadline = DateTime.UtcNow + (patience ?? Patience);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out waiting until {what}.");
            await Task.Delay(10);
        }
    }

    /// <summary>
    /// Waits until engine <paramref name="engineId"/> is running the task at <paramref name="index"/> of
    /// <paramref name="result"/>; fails at once if that task ends first.
    /// </summary>
    public static Task RunningAsync(ParallelClient rc, int engineId, AsyncResult result, int index = 0)
    {
        var msgId = result.MsgIds[index];
        return EventuallyAsync(async () =>
        {
            var metadata = result.Metadata[index];
            if (metadata.Status != TaskStatus.Pending)
                Assert.Fail($"Task {msgId} ended ({metadata.Status}) before engine {engineId} was seen running it: {metadata.Error}");
            return (await rc[engineId].QueueStatusAsync()).Running == msgId;
        }, $"engine {engineId} runs task {msgId}");
    }
}
