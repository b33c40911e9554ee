using Microsoft.Extensions.DependencyInjection;
using Orleans.Parallel.Engine;
using Orleans.Parallel.Scheduling;
using Orleans.Parallel.Tests.Cluster;
using Orleans.Runtime;

namespace Orleans.Parallel.Tests.Scheduling;

/// <summary>
/// A task queue dies with its silo; the tasks it held must still run (or end with an error). The
/// client keeps every load-balanced task until its reply and checks the queues that accepted them:
/// these tests hand it tasks "accepted" by a queue that no longer exists.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class QueueLossTests(ClusterFixture fixture)
{
    private ParallelClient Rc => fixture.Client;

    /// <summary>The key a queue on a silo that is gone would have: a silo address no member has.</summary>
    private static string GoneSiloKey() => SiloAddress.New(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 1), 17).ToParsableString();

    [Fact]
    public async Task StandIn_QueueOfGoneSilo_NewEpochAndRefusesWork()
    {
        var epoch = await Rc.Grains.GetGrain<ITaskQueueGrain>(GoneSiloKey()).EpochAsync();
        Assert.NotEqual(Guid.Empty, epoch);
        // Waiting and Submit are for silos only (a client's submissions go through the scheduler): asked as a silo asks.
        var gone = fixture.Cluster.GetSiloServiceProvider().GetRequiredService<IGrainFactory>().GetGrain<ITaskQueueGrain>(GoneSiloKey());
        Assert.Empty(await gone.WaitingAsync());
        var batch = new BalancedBatch(Rc.SessionId, Rc.Dispatcher.Observer, []);
        var e = await Assert.ThrowsAnyAsync<Exception>(() => gone.SubmitAsync(batch));
        Assert.Contains("gone with its silo", e.Message);
    }

    [Fact]
    public async Task LostQueue_TaskNoEngineHolds_IsSentAgainAndRuns()
    {
        var message = Rc.Dispatcher.Track(-1);
        message.LoadBalanced = true;
        var function = Rc.Shipper.Prepare(new Func<int>(() => 41 + 1));
        await function.Walk.Uploaded;
        message.Balanced = new BalancedTask(message.MsgId, message.Submitted, new ApplyRequest(function.Payload, []), TaskPlacement.Anywhere);
        // As if a queue on a silo that has since died had accepted it.
        message.Queue = new QueueTicket(GoneSiloKey(), Guid.NewGuid());
        var result = new Results.AsyncResult<int>(Rc, [message], scalar: true, replies => (int)replies[0].Result!);

        await Rc.Balanced.CheckQueuesAsync();

        Assert.Equal(42, await result.AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.NotEqual(GoneSiloKey(), message.Queue?.Queue);
    }

    [Fact]
    public async Task LostQueue_TaskAnEngineRuns_IsNotSentAgain()
    {
        await ClusterAssert.EventuallyAsync(async () =>
            (await Rc.QueueStatusAsync()).Engines.All(s => s.Running is null && s.QueueLength == 0), "the engines are idle first");
        var lb = Rc.LoadBalancedView();
        var runs = Enumerable.Range(0, Rc.Ids.Count).Select(_ => lb.ApplyAsync(() => { Thread.Sleep(1500); return Environment.CurrentManagedThreadId; })).ToArray();
        await ClusterAssert.EventuallyAsync(async () =>
            (await Rc.QueueStatusAsync()).Engines.Count(s => s.Running is not null) == Rc.Ids.Count, "every engine runs one of the tasks");
        var queued = runs.Select(r => r.Messages[0]).ToArray();
        var real = queued.Select(m => m.Queue).ToArray();
        // The queues "die" while the engines still run the tasks: the engines will answer, so nothing is re-sent.
        foreach (var m in queued) m.Queue = new QueueTicket(GoneSiloKey(), Guid.NewGuid());

        await Rc.Balanced.CheckQueuesAsync();

        Assert.All(queued, m => Assert.Equal(GoneSiloKey(), m.Queue!.Queue));
        foreach (var (m, ticket) in queued.Zip(real)) m.Queue = ticket;
        await Task.WhenAll(runs.Select(r => r.AsTask()));
    }
}
