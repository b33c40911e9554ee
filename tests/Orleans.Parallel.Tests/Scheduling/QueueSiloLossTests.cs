using Microsoft.Extensions.DependencyInjection;
using Orleans.Parallel.Engine;
using Orleans.Parallel.Hosting;
using Orleans.Parallel.Results;
using Orleans.Parallel.Scheduling;
using Orleans.Parallel.Tests.Cluster;
using Orleans.TestingHost;

namespace Orleans.Parallel.Tests.Scheduling;

/// <summary>
/// The silo holding a task queue goes away while tasks wait in it: the tasks still run (the client
/// sees the queue's epoch change and sends them again), none is left hanging. A cluster of its own:
/// two silos, engines only on the first (which also holds the engine registry), and the tasks
/// waiting in the second silo's queue.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class QueueSiloLossTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static int Twice(int x) => 2 * x;

    [Fact]
    public async Task SiloWithWaitingTasksIsKilled_TheTasksAreSentAgainAndRun()
    {
        var silosStarted = 0;
        var builder = SecureTestCluster.Builder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            var engines = Interlocked.Increment(ref silosStarted) == 1 ? 2 : 0; // the first silo's engines survive
            silo.AddParallelEngines(o => (o.Engines, o.WarmUpScripts) = (engines, false));
        });
        await using var cluster = builder.Build();
        await cluster.DeployAsync();
        var second = await cluster.StartAdditionalSiloAsync();
        await using var rc = await ParallelClient.FromClusterClientAsync(cluster.Client);
        await rc.WaitForEnginesAsync(2, TimeSpan.FromSeconds(30));

        // Both engines busy, so tasks handed to a queue wait there.
        var lb = rc.LoadBalancedView();
        var busy = Enumerable.Range(0, 2).Select(_ => lb.ApplyAsync(() => { Thread.Sleep(5000); return 0; })).ToArray();
        await ClusterAssert.EventuallyAsync(async () => (await rc.QueueStatusAsync()).Engines.All(s => s.Running is not null), "both engines run a long task");

        // Tasks accepted by the second silo's queue, exactly as a client connected there would have them.
        var function = rc.Shipper.Prepare(new Func<int, int>(Twice));
        await function.Walk.Uploaded;
        var messages = Enumerable.Range(0, 5).Select(i =>
        {
            var message = rc.Dispatcher.Track(-1);
            message.LoadBalanced = true;
            message.Balanced = new BalancedTask(message.MsgId, message.Submitted, new ApplyRequest(function.Payload, [i]), TaskPlacement.Anywhere);
            return message;
        }).ToArray();
        var key = second.SiloAddress.ToParsableString();
        // Submit and Waiting are for silos only: the queue is called as the scheduler grain calls it, from a silo.
        var queue = cluster.GetSiloServiceProvider().GetRequiredService<IGrainFactory>().GetGrain<ITaskQueueGrain>(key);
        var epoch = await queue.SubmitAsync(new BalancedBatch(rc.SessionId, rc.Dispatcher.Observer, [.. messages.Select(m => m.Balanced!)]));
        var ticket = new QueueTicket(key, epoch);
        foreach (var message in messages)
        {
            message.Queue = ticket;
            message.Delivered();
        }
        var results = messages.Select(m => new AsyncResult<int>(rc, [m], scalar: true, replies => (int)replies[0].Result!)).ToArray();
        // Offered to the busy engines, refused, and back in the queue.
        await ClusterAssert.EventuallyAsync(async () => (await queue.WaitingAsync()).Count(id => messages.Any(m => m.MsgId == id)) == messages.Length,
            "the tasks wait in the second silo's queue");
        Assert.All(messages, m => Assert.False(m.IsDone));

        // Still waiting there when the silo goes: no engine has room to take them yet.
        Assert.All(busy, b => Assert.False(b.Ready, "a long task ended before the silo went; the test's timing assumption failed"));
        await cluster.KillSiloAsync(second);

        for (var i = 0; i < results.Length; i++)
        {
            Assert.True(await results[i].WaitAsync(Patience), $"task {i} was left hanging after its queue's silo went away");
            Assert.Equal(2 * i, results[i].Get());
            Assert.NotEqual(key, messages[i].Queue?.Queue); // sent again, to the surviving silo's queue
        }
        foreach (var result in busy) Assert.Equal(0, await result.AsTask().WaitAsync(Patience));
    }
}
