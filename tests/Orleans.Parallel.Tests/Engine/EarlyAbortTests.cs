using Orleans.Parallel.Engine;
using Orleans.Parallel.Errors;
using Orleans.Parallel.Grains.Engine;
using Orleans.Parallel.Results;
using Orleans.Parallel.Tests.Cluster;
using TaskStatus = Orleans.Parallel.Engine.TaskStatus;

namespace Orleans.Parallel.Tests.Engine;

/// <summary>An abort that reaches the engine before its task does: the task ends aborted when it arrives, and the engine goes on.</summary>
[Collection(ClusterCollection.Name)]
public class EarlyAbortTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ATaskWhoseAbortArrivedFirst_EndsAbortedWithoutRunning_AndLaterTasksRun()
    {
        var rc = fixture.Client;
        var engine = rc.Engine(1);
        var message = rc.Dispatcher.Track(1);
        var early = $"early_{Guid.NewGuid():N}";

        await engine.AbortAsync([message.MsgId]); // the abort is first
        rc.Dispatcher.Send(message, engine, new ExecuteRequest($"var {early} = 1;"), Task.CompletedTask);

        var reply = await message.Reply.WaitAsync(Patience);
        Assert.Equal(TaskStatus.Aborted, reply.Status);
        var error = Assert.IsType<TaskAbortedException>(ReplyErrors.Of(message));
        Assert.False(error.WhileRunning);
        Assert.DoesNotContain(early, await rc[1].KeysAsync().AsTask().WaitAsync(Patience)); // it never ran
        Assert.Equal(5, await rc[1].ApplyAsync(() => 5).AsTask().WaitAsync(Patience)); // the order goes on past it
    }

    [Fact]
    public void EarlyAborts_AreForgottenOnceTaken_AfterTheirMemory_AndBeyondTheirCapacity()
    {
        var t0 = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var aborts = new EarlyAborts();
        var first = Guid.NewGuid();
        aborts.Add(first, t0);
        Assert.True(aborts.Take(first));
        Assert.False(aborts.Take(first));

        var old = Guid.NewGuid();
        aborts.Add(old, t0);
        aborts.Add(Guid.NewGuid(), t0 + EarlyAborts.Memory + TimeSpan.FromSeconds(1));
        Assert.False(aborts.Take(old)); // older than the memory when the next came

        for (var i = 0; i < EarlyAborts.Capacity + 10; i++) aborts.Add(Guid.NewGuid(), t0 + EarlyAborts.Memory + TimeSpan.FromSeconds(2));
        Assert.Equal(EarlyAborts.Capacity, aborts.Count);
    }
}
