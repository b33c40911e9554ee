using Orleans.Parallel.Broadcast;
using Orleans.Parallel.Engine;
using Orleans.Parallel.Errors;
using Orleans.Parallel.Scheduling;
using Orleans.Runtime;
using TaskStatus = Orleans.Parallel.Engine.TaskStatus;

namespace Orleans.Parallel.Tests.Cluster;

/// <summary>
/// A view over several engines of a silo sends one broadcast to that silo, which hands the request
/// to each engine and gathers the replies. What the user sees must be what separate messages gave:
/// results, errors, output and metadata per engine in target order, and each engine its own copy of
/// what was sent.
/// </summary>
[Collection(ClusterCollection.Name)]
public class BroadcastTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private ParallelClient Rc => fixture.Client;

    [Fact]
    public async Task ShuffledTargets_ResultsErrorsOutputAndMetadata_ComeBackPerEngineInTargetOrder()
    {
        int[] order = [3, 1, 0, 2];
        var view = Rc[order];
        await view.ScatterAsync("bc_id", order, flatten: true).AsTask().WaitAsync(Patience);

        var run = view.ExecuteAsync("""
            Console.Write($"engine {bc_id}");
            if (bc_id == 1) throw new InvalidOperationException("broadcast fails on 1");
            var bc_tenfold = bc_id * 10;
            """);
        var error = await Assert.ThrowsAsync<CompositeException>(() => run.AsTask().WaitAsync(Patience));

        var failed = Assert.IsType<RemoteException>(Assert.Single(error.Errors));
        Assert.Equal(1, failed.EngineId);
        Assert.Equal("broadcast fails on 1", failed.RemoteMessage);
        Assert.Equal(order, run.Metadata.Select(m => m.EngineId));
        Assert.Equal(order.Select(id => $"engine {id}"), run.Metadata.Select(m => m.Stdout));
        Assert.Equal([30, 0, 20], await Rc[[3, 0, 2]].PullAsync<int>("bc_tenfold").AsTask().WaitAsync(Patience));
        Assert.Equal(order, await view.ApplyAsync((int id) => id, new Orleans.Parallel.Views.Reference<int>("bc_id")).AsTask().WaitAsync(Patience));
    }

    [Fact]
    public async Task PushedObject_EachEngineHoldsItsOwnCopy_AndTheClientsIsUntouched()
    {
        var mine = new List<int> { 1 };
        await Rc[..].PushAsync(new { bc_list = mine }).AsTask().WaitAsync(Patience);

        await Rc[0].ExecuteAsync("bc_list.Add(2);").AsTask().WaitAsync(Patience);
        await Rc[..].ApplyAsync((List<int> list) => { list.Add(3); return list.Count; }, new Orleans.Parallel.Views.Reference<List<int>>("bc_list")).AsTask().WaitAsync(Patience);

        var lists = await Rc[..].PullAsync<List<int>>("bc_list").AsTask().WaitAsync(Patience);
        Assert.Equal([1, 2, 3], lists[0]);
        Assert.All(lists.Skip(1), list => Assert.Equal([1, 3], list));
        Assert.Equal([1], mine);
    }

    [Fact]
    public async Task ViewOverSeveralEnginesOfASilo_GoesThroughThatSilosBroadcastGrain()
    {
        await Rc[..].ApplyAsync(() => 1).AsTask().WaitAsync(Patience);

        var statistics = await fixture.Cluster.Client.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        var silos = statistics.Where(s => s.GrainType.Contains("BroadcastGrain", StringComparison.Ordinal) && s.ActivationCount > 0)
            .Select(s => s.SiloAddress).Distinct().Count();
        Assert.Equal(ClusterFixture.Silos, silos);
    }

    [Fact]
    public async Task TargetThatIsNotARunningEngine_AnswersEngineGone_AndTheOthersRun()
    {
        var entry = (await fixture.Cluster.Client.GetGrain<Registry.IEngineRegistryGrain>(0).GetEnginesAsync()).Engines[0];
        var observer = fixture.Cluster.Client.CreateObjectReference<ITaskObserver>(new NoObserver());
        var session = Guid.NewGuid();
        BroadcastTarget[] targets =
        [
            new(entry.EngineId, entry.Incarnation, Guid.NewGuid(), 0, DateTime.UtcNow),
            new(entry.EngineId, Guid.NewGuid(), Guid.NewGuid(), 0, DateTime.UtcNow), // no such incarnation
        ];

        var replies = await fixture.Cluster.Client.GetGrain<IBroadcastGrain>(entry.SiloAddress)
            .SubmitAsync(new EngineBroadcast(session, new KeysRequest(false), null, targets), observer).WaitAsync(Patience);

        Assert.Equal(2, replies.Count);
        Assert.Equal(TaskStatus.Ok, replies[0]!.Status);
        Assert.Equal(TaskStatus.Error, replies[1]!.Status);
        Assert.Equal(SchedulerErrors.EngineGone, replies[1]!.Error!.ExceptionType);
        Assert.Contains($"could not reach engine {entry.EngineId}", replies[1]!.Error!.Message);
        await Rc[..].ApplyAsync(() => 1).AsTask().WaitAsync(Patience); // the cluster answers as before
    }

    private sealed class NoObserver : ITaskObserver
    {
        public Task OnTaskCompletedAsync(TaskReply reply) => Task.CompletedTask;

        public Task OnTaskEndedAsync(TaskReply reply) => Task.CompletedTask;

        public Task OnTasksEndedAsync(IReadOnlyList<TaskReply> replies) => Task.CompletedTask;
    }
}
