using System.Diagnostics;

namespace Orleans.Parallel.Hosting;

/// <summary>
/// Orleans warnings that a healthy silo prints at start and that are not true of it. Each is
/// recognised by its category and message template (Orleans' own, from its source), never by level
/// alone, so every other warning from the same component still shows.
/// </summary>
internal static class FalseStartupWarnings
{
    private const string OriginalFormat = "{OriginalFormat}";

    /// <summary>Orleans.Runtime.Watchdog: the component-check stall warning.</summary>
    private const string WatchdogCategory = "Orleans.Runtime.Watchdog";
    private const string ParticipantStall = "Participant check thread has not completed for {TimeSinceLastTick}, potentially indicating lock contention or deadlock, CPU starvation, or another execution anomaly.";

    /// <summary>Orleans.Runtime.Silo: the two server-GC notes.</summary>
    private const string SiloCategory = "Orleans.Runtime.Silo";
    private static readonly HashSet<string> ServerGcNotes =
    [
        "Note: Silo not running with ServerGC turned on - recommend checking app config : <configuration>-<runtime>-<gcServer enabled=\"true\">",
        "Note: ServerGC only kicks in on multi-core systems (settings enabling ServerGC have no effect on single-core machines).",
    ];

    private static readonly DateTime ProcessStart = Process.GetCurrentProcess().StartTime.ToUniversalTime();

    /// <summary>Whether loggers of <paramref name="category"/> can write one of these warnings (the others need no filter).</summary>
    public static bool MayComeFrom(string category) => category is WatchdogCategory or SiloCategory;

    /// <summary>Whether a line Orleans logs under <paramref name="category"/> with <paramref name="state"/> is one of these false warnings.</summary>
    public static bool IsFalse(string category, object? state)
    {
        if (state is not IReadOnlyList<KeyValuePair<string, object?>> values) return false;
        var template = values.FirstOrDefault(v => v.Key == OriginalFormat).Value as string;
        return category switch
        {
            // Watchdog.Start starts its platform thread before it sets the component-check timestamp,
            // so that thread's first check can measure from timestamp 0: it reports the machine's
            // uptime as a stall. A real stall cannot be longer than this process has been running.
            WatchdogCategory => template == ParticipantStall
                && values.FirstOrDefault(v => v.Key == "TimeSinceLastTick").Value is TimeSpan stall
                && stall > DateTime.UtcNow - ProcessStart,
            // An app that hosts LocalCluster chose its GC itself (workstation by default, right for a
            // client or notebook), and the advice is the .NET Framework's app.config. The Silo program
            // turns server GC on, so it never sees these.
            SiloCategory => template is not null && ServerGcNotes.Contains(template),
            _ => false,
        };
    }
}
