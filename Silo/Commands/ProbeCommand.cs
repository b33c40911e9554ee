using System.CommandLine;
using Orleans.Parallel.Hosting;

namespace Orleans.Parallel.Commands;

/// <summary>
/// <c>probe</c>: asks a silo's health port whether it is alive (<c>/healthz</c>) or ready (<c>--ready</c>,
/// <c>/readyz</c>), exiting 0 or 1. For a container's <c>HEALTHCHECK</c>: the runtime image has no curl,
/// and the silo's own program is already there.
/// </summary>
internal static class ProbeCommand
{
    public static Command Create()
    {
        var defaults = SiloSettings.FromConfiguration();
        var port = new Option<int?>("--port") { Description = "The silo's --health-port (default: OP_HEALTHPORT).", DefaultValueFactory = _ => defaults.HealthPort };
        var host = new Option<string>("--host") { Description = "Where the silo listens (default: 127.0.0.1).", DefaultValueFactory = _ => "127.0.0.1" };
        var ready = new Option<bool>("--ready") { Description = "Ask /readyz (in the cluster, engines listed) instead of /healthz (alive)." };
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for the answer.", DefaultValueFactory = _ => 5 };
        var command = new Command("probe", "Ask a silo's health port whether it is alive or ready; exit 0 if so, 1 if not.") { port, host, ready, timeout };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(port) is not { } number)
            {
                Console.Error.WriteLine("No health port: give --port, or set OP_HEALTHPORT as the silo has it.");
                return 2;
            }
            var url = $"http://{parse.GetValue(host)}:{number}/{(parse.GetValue(ready) ? "readyz" : "healthz")}";
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(parse.GetValue(timeout)) };
            try
            {
                using var answer = await http.GetAsync(url, cancellationToken);
                Console.WriteLine($"{url}: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync(cancellationToken)}");
                return answer.IsSuccessStatusCode ? 0 : 1;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Console.WriteLine($"{url}: no answer ({e.Message})");
                return 1;
            }
        });
        return command;
    }
}
