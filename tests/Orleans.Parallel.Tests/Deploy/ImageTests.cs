using System.Net.Http.Json;
using System.Text.Json;
using Orleans.Parallel.Hosting;
using Orleans.Parallel.Security;

namespace Orleans.Parallel.Tests.Deploy;

/// <summary>
/// The silo's image, built from deploy/Dockerfile and run for real under podman: it runs as the
/// unprivileged user, takes its settings from OP_* variables and its credential from a podman secret,
/// answers its HEALTHCHECK, serves a client on the host that holds the credential (direct, bulk and
/// load-balanced work), and stops cleanly on SIGTERM. The container shares the host's network, so all
/// traffic stays on loopback.
/// </summary>
public sealed class ImageTests
{
    [Fact]
    public async Task SiloImage_RunsUnprivileged_FromEnvironmentAndSecret_AndServesAClient()
    {
        await Podman.BuildImageAsync();
        var id = Guid.NewGuid().ToString("N")[..10];
        var (container, secret, cluster) = ($"op-image-{id}", $"op-credential-{id}", $"image-{id}");
        using var credential = ClusterCredential.Generate(cluster);
        var pem = Path.Combine(Path.GetTempPath(), $"{secret}.pem");
        File.WriteAllText(pem, credential.ToPem());
        var ports = LoopbackPorts.Reserve(4);
        try
        {
            await Podman.CheckedAsync("secret", "create", secret, pem);
            await Podman.CheckedAsync("run", "-d", "--name", container, "--network", "host",
                "--secret", $"{secret},uid=1654,mode=0400",
                "-e", $"OP_CREDENTIAL=/run/secrets/{secret}", "-e", $"OP_CLUSTERID={cluster}", "-e", "OP_ENGINES=2",
                "-e", $"OP_SILOPORT={ports[0]}", "-e", $"OP_GATEWAYPORT={ports[1]}", "-e", $"OP_BULKPORT={ports[2]}", "-e", $"OP_HEALTHPORT={ports[3]}",
                Podman.Image);

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var ready = await WaitReadyAsync(http, ports[3], container);
            Assert.Equal("2", ready.GetProperty("checks").GetProperty("ready").GetProperty("data").GetProperty("engines").GetString());

            Assert.Equal("1654", (await Podman.CheckedAsync("exec", container, "id", "-u")).Trim());
            Assert.Equal(0, (await ProgramRun.RunAsync("podman", ["healthcheck", "run", container])).Exit);
            var logs = await Podman.CheckedAsync("logs", container);
            Assert.Contains($"Credential: certificate {credential.Id[..16]}…, from /run/secrets/{secret}", logs);
            Assert.Contains("mutual TLS", logs);

            await using (var rc = await ParallelClient.ConnectAsync(new ParallelClientOptions { GatewayPort = ports[1], ClusterId = cluster, ServiceId = "dev", Credential = credential }))
            {
                await rc.WaitForEnginesAsync(2, TimeSpan.FromSeconds(60));
                Assert.Equal(["app", "app"], await rc[..].ApplyAsync(() => Environment.UserName)); // user code runs unprivileged too
                var array = Enumerable.Range(0, 300_000).Select(i => i * 0.5).ToArray(); // 2.4 MB: the bulk port
                await rc[..].PushAsync(new { image_array = array });
                Assert.True((await rc[1].PullAsync<double[]>("image_array")).AsSpan().SequenceEqual(array));
                Assert.Equal(42, await rc.LoadBalancedView().ApplyAsync((int x) => x * 2, 21));
            }

            // SIGTERM, as a container runtime stops it: the silo stops its engines and exits.
            await Podman.CheckedAsync("stop", "--time", "30", container);
            Assert.Contains("Orleans.Parallel silo stopped.", await Podman.CheckedAsync("logs", container));
            Assert.Equal("0", (await Podman.CheckedAsync("inspect", container, "--format", "{{.State.ExitCode}}")).Trim());
        }
        finally
        {
            await ProgramRun.RunAsync("podman", ["rm", "-f", container]);
            await ProgramRun.RunAsync("podman", ["secret", "rm", secret]);
            File.Delete(pem);
        }
    }

    private static async Task<JsonElement> WaitReadyAsync(HttpClient http, int port, string container)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (DateTime.UtcNow < until)
        {
            try
            {
                using var answer = await http.GetAsync($"http://127.0.0.1:{port}/readyz");
                if (answer.IsSuccessStatusCode) return await answer.Content.ReadFromJsonAsync<JsonElement>();
            }
            catch (HttpRequestException) { } // not listening yet
            await Task.Delay(500);
        }
        throw new TimeoutException($"The silo's container was not ready within 90 s. Its output:\n{(await ProgramRun.RunAsync("podman", ["logs", container])).Output}");
    }
}
