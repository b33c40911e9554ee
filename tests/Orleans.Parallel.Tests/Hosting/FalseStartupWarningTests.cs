using System.Diagnostics;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Parallel.Hosting;
using Orleans.Parallel.Tests.Logging;
using Xunit.Abstractions;

namespace Orleans.Parallel.Tests.Hosting;

/// <summary>
/// The silo host drops Orleans' false start-up warnings (the watchdog's stall measured from
/// timestamp 0, the server-GC notes) and lets every other warning through. The warnings are written
/// by Orleans' own logging methods, so a change in Orleans' wording fails these tests.
/// </summary>
public sealed class FalseStartupWarningTests(ITestOutputHelper output)
{
    private static readonly Type Watchdog = typeof(Orleans.Runtime.Silo).Assembly.GetType("Orleans.Runtime.Watchdog", throwOnError: true)!;

    [Fact]
    public void ServerGcNotes_AreDropped_OtherSiloWarningsShow()
    {
        var (host, logs) = SiloWithCapturedLogs();
        using (host)
        {
            var silo = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger<Orleans.Runtime.Silo>();

            WriteAsOrleans(typeof(Orleans.Runtime.Silo), "LogWarningSiloGcNotRunningWithServerGC", silo);
            WriteAsOrleans(typeof(Orleans.Runtime.Silo), "LogWarningSiloGcMultiCoreSystem", silo);
            silo.LogWarning("A real warning");
        }

        Assert.Equal(["A real warning"], logs.Lines.Select(l => l.Message));
    }

    [Fact]
    public void WatchdogStall_LongerThanTheProcessHasRun_IsDropped_AShorterOneShows()
    {
        var (host, logs) = SiloWithCapturedLogs();
        using (host)
        {
            var watchdog = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger(Watchdog.FullName!);

            // What the race in Watchdog.Start reports: the time since Stopwatch timestamp 0, the machine's uptime.
            WriteAsOrleans(Watchdog, "LogWarningParticipantCheckThreadStalled", watchdog, Stopwatch.GetElapsedTime(0));
            WriteAsOrleans(Watchdog, "LogWarningParticipantCheckThreadStalled", watchdog, TimeSpan.FromSeconds(3));
        }

        var line = Assert.Single(logs.Lines);
        Assert.StartsWith("Participant check thread has not completed for 00:00:03", line.Message);
    }

    [Fact]
    public async Task AStartedSilo_WritesNoFalseWarning()
    {
        var (host, logs) = SiloWithCapturedLogs();
        using (host)
        {
            await host.StartAsync();
            await Task.Delay(TimeSpan.FromSeconds(1.5)); // the watchdog checks once a second
            await host.StopAsync();
        }

        foreach (var line in logs.Lines) output.WriteLine(line.ToString());
        Assert.DoesNotContain(logs.Lines, l => l.Message.Contains("Participant check thread", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, l => l.Message.Contains("ServerGC", StringComparison.Ordinal));
    }

    /// <summary>A silo host on free ports (not started) whose logs, at its default level, are also captured.</summary>
    private static (IHost Host, CapturingLoggerProvider Logs) SiloWithCapturedLogs()
    {
        var ports = LoopbackPorts.Reserve(2);
        var host = SiloHostFactory.Create(new SiloSettings { Engines = 1, SiloPort = ports[0], GatewayPort = ports[1] });
        var logs = new CapturingLoggerProvider();
        host.Services.GetRequiredService<ILoggerFactory>().AddProvider(logs);
        return (host, logs);
    }

    /// <summary>Calls one of Orleans' own generated logging methods, so the line is exactly what Orleans writes.</summary>
    private static void WriteAsOrleans(Type owner, string method, ILogger logger, params object[] arguments) =>
        (owner.GetMethod(method, BindingFlags.NonPublic | BindingFlags.Static)
            ?? throw new MissingMethodException(owner.FullName, method)).Invoke(null, [logger, .. arguments]);
}
