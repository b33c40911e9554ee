using Orleans.Parallel.Hub;
using Orleans.Parallel.Testing;
using TaskStatus = Orleans.Parallel.Engine.TaskStatus;

namespace Orleans.Parallel.Tests.Hub;

/// <summary>
/// Task records in a real PostgreSQL server outlive the silo: a silo process records tasks, stops,
/// and a new silo process (a new cluster, as after a restart) reads the old results back by msg id.
/// </summary>
[Collection("postgres")]
public sealed class PostgresSiloRestartTests(PostgresServer server)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task SiloRestarts_OldResultsAreReadBackByMsgId()
    {
        var connection = await server.CreateDatabaseAsync("silo_restart");
        string[] args = ["--task-store", "postgres", "--task-store-connection", connection];

        Guid[] balanced, direct;
        await using (var silo = await SiloProcess.StartAsync(2, null, args))
        {
            await using var rc = await ParallelClient.ConnectAsync(silo.ClientOptions);
            await rc.WaitForEnginesAsync(2, Patience);
            var lb = rc.LoadBalancedView().With(label: "before-restart");
            var squares = Enumerable.Range(0, 10).Select(i => lb.ApplyAsync((int x) => { Console.Write($"sq{x}"); return x * x; }, i)).ToArray();
            foreach (var ar in squares) await ar.AsTask().WaitAsync(Patience);
            var script = rc[..].ExecuteAsync("var restarted = 1;");
            await script.AsTask().WaitAsync(Patience);
            balanced = squares.Select(s => s.MsgIds[0]).ToArray();
            direct = script.MsgIds.ToArray();
            Assert.Equal(0, await silo.StopAsync());
        }

        await using (var silo = await SiloProcess.StartAsync(1, null, args))
        {
            await using var rc = await ParallelClient.ConnectAsync(silo.ClientOptions);

            var values = await (await rc.GetResultAsync(balanced)).AsTask().WaitAsync(Patience);
            Assert.Equal(Enumerable.Range(0, 10).Select(i => (object?)(i * i)), values);
            var one = await rc.GetResultAsync(balanced[3]);
            Assert.Equal("sq3", one.Stdout[0]);
            Assert.Equal(TaskStatus.Ok, one.Metadata[0].Status);

            var labelled = await rc.DbQueryAsync(TaskQuery.Where(TaskField.Label, QueryOperator.Eq, "before-restart"), [TaskField.MsgId]);
            Assert.Equal(balanced, labelled.Select(r => r.MsgId));
            var history = await rc.HubHistoryAsync();
            Assert.Equal(balanced.Concat(direct).Order(), history.Order());
            var status = await rc.ResultStatusAsync(direct);
            Assert.Equal(direct, status.Completed);
            Assert.Equal(0, await silo.StopAsync());
        }
    }
}
