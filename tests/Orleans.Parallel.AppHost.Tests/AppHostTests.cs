using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Orleans.Parallel.Tests.Cluster;

namespace Orleans.Parallel.AppHost.Tests;

/// <summary>
/// The Aspire app host, run for real by Aspire's orchestrator (DCP): redis-server, two silos that
/// find each other through it, and the sample client, which waits for both silos to be ready, works
/// on all four engines and exits 0. The dashboard is left out (Aspire's testing default): the test
/// reads the resources' state and logs from the app host itself.
/// </summary>
public sealed class AppHostTests
{
    /// <summary>Minutes, not seconds: two silos start and compile fully optimised code on a shared 2-core machine.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(6);

    private static readonly string[] Resources = ["redis", "silo1", "silo2", "sample-client"];

    [Fact]
    public async Task AppHost_StartsRedisAndTwoSilos_AndTheSampleClientsWorkCompletes()
    {
        await EnsureRedisInstalledAsync();
        using var cancel = new CancellationTokenSource(Timeout);
        var home = Directory.CreateTempSubdirectory("op-apphost-tests-").FullName;
        try
        {
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Orleans_Parallel_AppHost>(cancel.Token);
            // The silos write their cluster's connection file (with the credential) under OP_HOME: here, not in ~.
            foreach (var silo in new[] { "silo1", "silo2" })
                builder.CreateResourceBuilder<ProjectResource>(silo).WithEnvironment("OP_HOME", home);
            await using var app = await builder.BuildAsync(cancel.Token);
            await app.StartAsync(cancel.Token);
            var output = new ResourceOutput(app, Resources, cancel.Token);

            ResourceEvent? finished = null;
            try
            {
                finished = await app.ResourceNotifications.WaitForResourceAsync("sample-client",
                    e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), cancel.Token);
            }
            catch (OperationCanceledException)
            {
                // Said below, with what the resources printed.
            }
            Assert.True(finished is not null, $"The sample client did not finish within {Timeout.TotalMinutes} minutes.\n{output.Text}");
            var logs = await output.WaitForAsync("Sample work", TimeSpan.FromSeconds(30)); // the last lines may trail the exit

            Assert.True(finished.Snapshot.ExitCode == 0,
                $"The sample client ended {finished.Snapshot.State?.Text} with exit code {finished.Snapshot.ExitCode}.\n{logs}");
            Assert.Contains("4 engines [0, 1, 2, 3]", logs);
            Assert.Contains("sum of 1..1,000,000 = 500000500000 from 4 partial sums; gathered back in order: OK", logs);
            Assert.Contains("load-balanced map: Collatz steps of 1..20,000 in 40 chunks, the longest 278: OK", logs);
            Assert.Contains("Sample work done", logs);
            // Both silos in one cluster through Redis, secure.
            Assert.Equal(2, CountOf(logs, "mutual TLS, cluster 'aspire' (redis clustering)"));
            Assert.Equal(2, CountOf(logs, "from OP_CREDENTIALPEM"));
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "").Length) / part.Length;

    /// <summary>The app host runs redis-server from PATH: found, or installed (as root) by the main tests' own helper.</summary>
    private static async Task EnsureRedisInstalledAsync()
    {
        var redis = new RedisServer();
        await redis.InitializeAsync();
        await redis.DisposeAsync();
    }
}
