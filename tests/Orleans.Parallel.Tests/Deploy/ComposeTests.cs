using System.Diagnostics;
using Orleans.Parallel.Hosting;
using Orleans.Parallel.Tests.Cluster;
using Xunit.Abstractions;

namespace Orleans.Parallel.Tests.Deploy;

/// <summary>
/// deploy/compose.yaml run for real under podman-compose: Redis, PostgreSQL and three secure silos in
/// containers on their own network, prepared by deploy/compose-init.sh (credential, passwords, the
/// host's connection file). A client on the host connects with that connection file through the ports
/// published on 127.0.0.1 (gateways and bulk ports), runs direct and load-balanced work on all three,
/// sees its task records land in PostgreSQL, then one silo's container is killed: its engines leave
/// and the retried work completes on the others. Everything is torn down, whatever happens.
/// </summary>
public sealed class ComposeTests(ITestOutputHelper output)
{
    private static readonly TimeSpan NothingHangs = TimeSpan.FromMinutes(2);

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task ComposeFile_ThreeSilosRedisPostgres_ServeAHostClient_AndSurviveAKilledSilo()
    {
        await Podman.BuildImageAsync();
        await Podman.BuildServiceImagesAsync();
        var id = Guid.NewGuid().ToString("N")[..8];
        var project = $"opcompose{id}";
        var secrets = Path.Combine(Path.GetTempPath(), $"op-compose-{id}");
        var ports = LoopbackPorts.Reserve(9);
        var environment = new Dictionary<string, string>
        {
            ["OP_SILO_IMAGE"] = Podman.Image,
            ["OP_REDIS_IMAGE"] = Podman.RedisImage,
            ["OP_POSTGRES_IMAGE"] = Podman.PostgresImage,
            ["OP_CLUSTER_ID"] = $"compose-{id}",
            ["OP_COMPOSE_SECRETS"] = secrets,
            ["OP_SILO_CLI"] = $"dotnet {Path.Combine(AppContext.BaseDirectory, "Orleans.Parallel.Silo.dll")}",
        };
        for (var silo = 1; silo <= 3; silo++)
        {
            environment[$"SILO{silo}_GATEWAY_PORT"] = ports[silo - 1].ToString();
            environment[$"SILO{silo}_BULK_PORT"] = ports[silo + 2].ToString();
            environment[$"SILO{silo}_HEALTH_PORT"] = ports[silo + 5].ToString();
        }
        var compose = Path.Combine(Podman.RepositoryRoot, "deploy", "compose.yaml");
        try
        {
            var init = await ProgramRun.RunAsync(Path.Combine(Podman.RepositoryRoot, "deploy", "compose-init.sh"), [], environment);
            Assert.True(init.Exit == 0, init.Output);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(secrets));
            var up = await ProgramRun.RunAsync("podman-compose", ["-p", project, "-f", compose, "up", "-d"], environment, TimeSpan.FromMinutes(5));
            Assert.True(up.Exit == 0, up.Output);

            // Ready when each silo's health port, published on 127.0.0.1, says so (as a user's script would wait).
            var clock = Stopwatch.StartNew();
            using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) })
                for (var silo = 1; silo <= 3; silo++)
                    await ClusterAssert.EventuallyAsync(async () =>
                    {
                        try { return (await http.GetAsync($"http://127.0.0.1:{ports[silo + 5]}/readyz")).IsSuccessStatusCode; }
                        catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { return false; }
                    }, $"silo{silo} is ready", TimeSpan.FromMinutes(3));
            output.WriteLine($"three silos ready {clock.Elapsed.TotalSeconds:F1} s after 'up -d' returned");

            var options = ParallelClientOptions.FromConnectionFile(Path.Combine(secrets, "connection.json"));
            Assert.Equal($"127.0.0.1:{ports[1]}", options.AdditionalGateways[0]);
            await using var rc = await ParallelClient.ConnectAsync(options);
            await rc.WaitForEnginesAsync(6, TimeSpan.FromMinutes(3));

            // Direct work on every engine, each silo in its own container (named for its service).
            var hosts = (await rc[..].ApplyAsync(() => Environment.MachineName)).ToArray();
            Assert.Equal(["silo1", "silo1", "silo2", "silo2", "silo3", "silo3"], hosts.Order());
            Assert.Equal(["app"], (await rc[..].ApplyAsync(() => Environment.UserName)).Distinct());
            await rc[..].ExecuteAsync("var mark = 7;");
            // Large arrays go through each silo's bulk port, published on 127.0.0.1 and told to clients as such.
            var array = Enumerable.Range(0, 300_000).Select(i => i * 0.25).ToArray();
            await rc[..].PushAsync(new { compose_array = array });
            foreach (var engine in rc.Ids) Assert.True((await rc[engine].PullAsync<double[]>("compose_array")).AsSpan().SequenceEqual(array));

            // Load-balanced work spreads over the three containers.
            var lb = rc.LoadBalancedView();
            var ran = await lb.MapAsync((int x) => { Thread.Sleep(100); return (x * x, Environment.MachineName); }, Enumerable.Range(0, 36));
            Assert.Equal(Enumerable.Range(0, 36).Select(x => x * x), ran.Select(r => r.Item1));
            Assert.Equal(["silo1", "silo2", "silo3"], ran.Select(r => r.Item2).Distinct().Order());

            // The hub keeps task records in PostgreSQL, inside the compose network.
            var records = await Podman.CheckedAsync("exec", $"{project}_postgres_1", "/usr/lib/postgresql/15/bin/psql", "-U", "orleans", "-d", "orleans_parallel",
                "-tAc", $"select count(*) from {Grains.Hub.Store.Postgres.PostgresSchema.Table}");
            Assert.InRange(int.Parse(records.Trim()), 36, int.MaxValue);

            // Kill silo3's container under retried load-balanced work: its engines leave, the work completes elsewhere.
            var doomed = rc.Ids.Where((_, i) => hosts[i] == "silo3").ToArray();
            var left = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            rc.EnginesChanged += (_, _) => { if (!rc.Ids.Intersect(doomed).Any()) left.TrySetResult(); };
            var retried = Enumerable.Range(0, 30).Select(i => lb.With(retries: 2).ApplyAsync((int x) => { Thread.Sleep(300); return x; }, i)).ToArray();
            await Task.Delay(500);
            clock.Restart();
            await Podman.CheckedAsync("kill", $"{project}_silo3_1");
            await left.Task.WaitAsync(NothingHangs);
            output.WriteLine($"SIGKILL of silo3's container to its engines leaving Ids: {clock.Elapsed.TotalSeconds:F1} s");
            Assert.Equal(rc.Ids.Count, rc.Ids.Except(doomed).Count());
            foreach (var (task, i) in retried.Select((t, i) => (t, i))) Assert.Equal(i, await task.AsTask().WaitAsync(NothingHangs));
            output.WriteLine($"all 30 retried tasks done {clock.Elapsed.TotalSeconds:F1} s after the kill");

            // The survivors kept their namespaces and keep working.
            Assert.Equal([7, 7, 7, 7], await rc[..].PullAsync<int>("mark"));
            Assert.Equal(["silo1", "silo2"], (await lb.MapAsync((int _) => { Thread.Sleep(100); return Environment.MachineName; }, Enumerable.Range(0, 12))).Distinct().Order());
        }
        finally
        {
            var down = await ProgramRun.RunAsync("podman-compose", ["-p", project, "-f", compose, "down", "-v"], environment, TimeSpan.FromMinutes(3));
            output.WriteLine($"down: exit {down.Exit}");
            if (Directory.Exists(secrets)) Directory.Delete(secrets, recursive: true);
        }
        Assert.Empty((await Podman.CheckedAsync("ps", "-a", "--filter", $"label=io.podman.compose.project={project}", "--format", "{{.Names}}")).Trim());
    }
}
