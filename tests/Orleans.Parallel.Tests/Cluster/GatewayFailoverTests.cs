using System.Globalization;
using Orleans.Parallel.Testing;
using Orleans.Parallel.Tests.Hub;
using Xunit.Abstractions;

namespace Orleans.Parallel.Tests.Cluster;

/// <summary>
/// A client whose gateway silo is killed with SIGKILL: it carries on through the other silos'
/// gateways (Redis membership lists them all) and fetches results by msg id, including those of
/// tasks that ran on the dead silo, from the durable task store (a real PostgreSQL server).
/// </summary>
[Collection("postgres")]
public sealed class GatewayFailoverTests(PostgresServer postgres, RedisServer redis, ITestOutputHelper output) : IClassFixture<RedisServer>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task GatewaySiloKilled_TheClientCarriesOn_AndFetchesResultsByMsgId()
    {
        var cluster = $"gw{Guid.NewGuid():N}";
        var store = await postgres.CreateDatabaseAsync("gateway_failover");
        string[] args = ["--clustering", ClusterMembership.Redis, "--clustering-connection", redis.Connection, "--cluster-id", cluster,
                         "--task-store", "postgres", "--task-store-connection", store];
        await using var first = await SiloProcess.StartAsync(1, null, args);
        await using var second = await SiloProcess.StartAsync(1, null, args);
        await using var victim = await SiloProcess.StartAsync(1, null, args);
        var options = new ParallelClientOptions { Clustering = ClusterMembership.Redis, ClusteringConnection = redis.Connection, ClusterId = cluster };
        await using var rc = await ParallelClient.ConnectAsync(options);
        await rc.WaitForEnginesAsync(3, Patience);

        // Work on every engine, the victim's included, direct and load-balanced, all finished and recorded.
        var pids = await rc[..].ApplyAsync(() => Environment.ProcessId);
        var doomed = rc.Ids[pids.ToList().IndexOf(victim.ProcessId)];
        var survivors = rc.Ids.Where(id => id != doomed).ToArray();
        output.WriteLine($"engines {string.Join(", ", rc.Ids)}; engine {doomed} is on the victim");
        rc.EnginesChanged += (_, e) => output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} engines changed: +[{string.Join(", ", e.Added)}] -[{string.Join(", ", e.Removed)}]");
        var direct = rc[..].ApplyAsync((int x) => x + 100, 1);
        await direct.AsTask().WaitAsync(Patience);
        var lb = rc.LoadBalancedView();
        var balanced = Enumerable.Range(0, 12).Select(i => lb.ApplyAsync((int x) => x * x, i)).ToArray();
        foreach (var ar in balanced) await ar.AsTask().WaitAsync(Patience);
        var finished = direct.MsgIds.Concat(balanced.Select(b => b.MsgIds[0])).ToArray();
        await ClusterAssert.EventuallyAsync(async () => (await rc.ResultStatusAsync(finished)).Completed.Count == finished.Length, "every finished task is recorded", Patience);

        // The client talks to the victim's gateway (it spreads its grains over every gateway it knows).
        Assert.True(ConnectedTo(victim.GatewayPort), "the client has a connection to the victim's gateway");

        // Tasks still running on the survivors when the gateway dies: the kill waits until both run
        // (a submission still in the dying gateway is lost with it, and fails after Orleans' 30 s
        // response timeout instead; CI once killed it before one submission was through).
        var running = rc[survivors].ApplyAsync(() => { Thread.Sleep(3000); return 42; });
        await ClusterAssert.EventuallyAsync(
            async () => (await rc.QueueStatusAsync(survivors, verbose: true)).Engines.Count(e => e.Running is { } id && running.MsgIds.Contains(id)) == survivors.Length,
            "both survivors run their task", Patience);

        victim.Kill();
        output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} killed");
        await ClusterAssert.EventuallyAsync(() => !rc.Ids.Contains(doomed), "the victim's engine left Ids", Patience);

        // The running tasks' replies still arrive; new work runs; every finished result is fetched by msg id.
        Assert.Equal([42, 42], await running.AsTask().WaitAsync(Patience));
        Assert.Equal([0, 1, 4], await lb.MapAsync((int x) => x * x, [0, 1, 2]).AsTask().WaitAsync(Patience));
        var fetched = await (await rc.GetResultAsync(finished)).AsTask().WaitAsync(Patience);
        Assert.Equal(Enumerable.Repeat<object?>(101, 3).Concat(Enumerable.Range(0, 12).Select(i => (object?)(i * i))), fetched);
        var onDoomed = direct.MsgIds[pids.ToList().IndexOf(victim.ProcessId)];
        Assert.Equal(101, await (await rc.GetResultAsync(onDoomed)).AsTask().WaitAsync(Patience));
        Assert.Equal(doomed, (await rc.GetResultAsync(onDoomed)).Metadata[0].EngineId);

        // So does a client that connects only now.
        await using var later = await ParallelClient.ConnectAsync(options);
        var again = await (await later.GetResultAsync(finished)).AsTask().WaitAsync(Patience);
        Assert.Equal(fetched, again);
        output.WriteLine($"{finished.Length} results fetched by msg id after the gateway's death, {balanced.Length} of them load-balanced");
    }

    /// <summary>Whether this process has an established TCP connection to the loopback port (Linux's /proc/self/net/tcp).</summary>
    private static bool ConnectedTo(int port)
    {
        const string established = "01";
        foreach (var table in new[] { "/proc/self/net/tcp", "/proc/self/net/tcp6" })
        {
            if (!File.Exists(table)) continue;
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var remote = fields[2];
                var remotePort = int.Parse(remote[(remote.LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (remotePort == port && fields[3] == established) return true;
            }
        }
        return false;
    }
}
