using Orleans.Parallel.Security;
using Orleans.Parallel.Tests.Hub;
using Opx = Orleans.Parallel.Tests.Cli.OpxStartStopTests.Opx;

namespace Orleans.Parallel.Tests.Cli;

/// <summary>
/// <c>opx start --task-store postgres</c> against a real PostgreSQL: the records of a cluster's tasks
/// outlive it, so after <c>opx stop</c> and a new <c>opx start</c> a new client still gets a task's
/// result by its msg id, as ipcontroller with a database backend allows.
/// </summary>
[Collection("postgres")]
public sealed class OpxPostgresTests(PostgresServer postgres)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Records_OutliveTheCluster_AcrossStopAndStart()
    {
        var id = $"opx-pg-{Guid.NewGuid():N}"[..16];
        var connectionString = await postgres.CreateDatabaseAsync("opx_records");
        // The connection string in a file, owner-only, as a password would be kept out of ps.
        var storeFile = Path.Combine(Path.GetTempPath(), $"{id}-store.txt");
        File.WriteAllText(storeFile, connectionString);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(storeFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        string[] start = ["start", "--engines", "2", "--daemon", "--cluster-id", id, "--task-store", "postgres", "--task-store-connection-file", storeFile,
            "--parent-pid", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        try
        {
            var first = await Opx.RunAsync(start, Patience);
            Assert.True(first.ExitCode == 0, first.ToString());
            Assert.Contains("task store postgres", first.Stdout);
            Guid msgId;
            await using (var client = await ConnectAsync(id))
            {
                var sent = client.LoadBalancedView().ApplyAsync((int x) => $"done {x}", 41);
                Assert.Equal("done 41", await sent);
                msgId = sent.MsgId;
            }
            Assert.Equal(0, (await Opx.RunAsync(["stop", "--cluster-id", id], Patience)).ExitCode);

            var second = await Opx.RunAsync(start, Patience);
            Assert.True(second.ExitCode == 0, second.ToString());
            await using (var client = await ConnectAsync(id))
            {
                var kept = await client.GetResultAsync(msgId);
                Assert.Equal("done 41", await kept);
            }
        }
        finally
        {
            await Opx.RunAsync(["stop", "--force", "--timeout", "10", "--cluster-id", id], Patience);
            File.Delete(storeFile);
        }
    }

    private static async Task<ParallelClient> ConnectAsync(string id)
    {
        var client = await ParallelClient.ConnectAsync(ParallelClientOptions.FromConnectionFile(ConnectionFile.DefaultPath(id)));
        await client.WaitForEnginesAsync(2, Patience);
        return client;
    }
}
