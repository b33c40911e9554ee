using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Orleans.Parallel.Hosting;
using Orleans.Parallel.Testing;

namespace Orleans.Parallel.Tests.Processes;

/// <summary>
/// The silo's health port, as a container runtime or Kubernetes probes it: <c>/healthz</c> says the
/// process is alive, <c>/readyz</c> says it is in its cluster with its engines listed, 200 or 503 with a
/// JSON body saying why. A silo that cannot reach its clustering store is alive but not ready; a silo
/// without <c>--health-port</c> opens no such port.
/// </summary>
public sealed class HealthEndpointTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task ReadySilo_AnswersAliveAndReady_WithItsEngines()
    {
        var port = LoopbackPorts.ReserveOne();
        await using var silo = await SiloProcess.StartAsync(3, Patience, "--health-port", port.ToString());
        Assert.Contains($"health http://127.0.0.1:{port}/readyz", silo.Output);

        using var alive = await Http.GetAsync($"http://127.0.0.1:{port}/healthz");
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal("Healthy", (await alive.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());

        using var ready = await Http.GetAsync($"http://127.0.0.1:{port}/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("no-store", ready.Headers.CacheControl?.ToString());
        var body = await ready.Content.ReadFromJsonAsync<JsonElement>();
        var check = body.GetProperty("checks").GetProperty("ready");
        Assert.Equal("Healthy", check.GetProperty("status").GetString());
        Assert.Equal("Active, with 3 engines.", check.GetProperty("description").GetString());
        Assert.Equal("3", check.GetProperty("data").GetProperty("engines").GetString());

        using var unknown = await Http.GetAsync($"http://127.0.0.1:{port}/");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode); // nothing else is served
    }

    [Fact]
    public async Task SiloThatCannotJoinItsCluster_IsAliveButNotReady()
    {
        var (healthPort, closedRedis) = (LoopbackPorts.ReserveOne(), LoopbackPorts.ReserveOne()); // nothing listens on the second
        var ports = LoopbackPorts.Reserve(2);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[]
                 {
                     Path.Combine(AppContext.BaseDirectory, "Orleans.Parallel.Silo.dll"), "--engines", "1",
                     "--silo-port", ports[0].ToString(), "--gateway-port", ports[1].ToString(), "--health-port", healthPort.ToString(),
                     "--clustering", "redis", "--clustering-connection", $"127.0.0.1:{closedRedis}",
                     "--cluster-id", $"unready-{Guid.NewGuid():N}"[..20], "--parent-pid", Environment.ProcessId.ToString(),
                 })
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            // The endpoint starts before the silo tries its clustering store, and answers while it tries.
            var clock = Stopwatch.StartNew();
            HttpResponseMessage? alive = null;
            while (alive is null && clock.Elapsed < Patience && !process.HasExited)
            {
                try { alive = await Http.GetAsync($"http://127.0.0.1:{healthPort}/healthz"); }
                catch (HttpRequestException) { await Task.Delay(200); } // not listening yet
            }
            Assert.NotNull(alive);
            Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
            alive.Dispose();

            using var ready = await Http.GetAsync($"http://127.0.0.1:{healthPort}/readyz");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            var check = (await ready.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("checks").GetProperty("ready");
            Assert.Equal("Unhealthy", check.GetProperty("status").GetString());
            Assert.Contains("not an active member of its cluster yet", check.GetProperty("description").GetString());
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task WithoutHealthPort_TheReadyLineNamesNone()
    {
        await using var silo = await SiloProcess.StartAsync(1, Patience);
        Assert.DoesNotContain("health http", silo.Output);
    }
}
