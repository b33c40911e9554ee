using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;

namespace Orleans.Parallel.Cli.Commands;

/// <summary>
/// What the inspecting commands (status, tasks, result) share in writing: a console that is
/// coloured on a terminal and plain, wide and untruncated when piped or captured (so scripts and
/// tests read whole msg ids), their JSON form, and how times and durations read.
/// </summary>
internal static class CommandOutput
{
    /// <summary>The width tables get when standard output is not a terminal: no 80-column wrapping of msg ids.</summary>
    public const int PipedWidth = 200;

    /// <summary>The one style of <c>--json</c>: camelCase, indented, enums as lower-case names, times as UTC ISO-8601.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // read by scripts and people, never embedded in HTML
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>A console on <paramref name="writer"/> (standard output by default).</summary>
    /// <param name="writer">Where to write.</param>
    /// <param name="terminal">Whether it is a terminal; by default, whether standard output is one.</param>
    public static IAnsiConsole Create(TextWriter? writer = null, bool? terminal = null)
    {
        var output = new AnsiConsoleOutput(writer ?? Console.Out);
        var isTerminal = terminal ?? (writer is null && !Console.IsOutputRedirected);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = output,
            Ansi = isTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = isTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = isTerminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!isTerminal) console.Profile.Width = PipedWidth;
        return console;
    }

    /// <summary>Writes <paramref name="value"/> as JSON to standard output, and nothing else.</summary>
    public static void WriteJson<T>(T value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, Json));

    /// <summary>A time as UTC (the hub's times are UTC; one read back without a kind is taken as UTC).</summary>
    public static DateTime? Utc(DateTime? time) => time switch
    {
        null => null,
        { Kind: DateTimeKind.Unspecified } t => DateTime.SpecifyKind(t, DateTimeKind.Utc),
        { } t => t.ToUniversalTime(),
    };

    /// <summary>A time as tables show it: UTC to the millisecond, without the date when it is <paramref name="sameDayAs"/>'s; "—" for none.</summary>
    public static string Time(DateTime? time, DateTime? sameDayAs = null)
    {
        if (Utc(time) is not { } t) return "—";
        return Utc(sameDayAs) is { } day && day.Date == t.Date
            ? t.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)
            : t.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);
    }

    /// <summary>How long from <paramref name="from"/> to <paramref name="to"/>; null when either is unknown.</summary>
    public static TimeSpan? Between(DateTime? from, DateTime? to) =>
        Utc(from) is { } a && Utc(to) is { } b ? b - a : null;

    /// <summary>A duration as people read it: "12 ms", "3.40 s", "2m 05s"; "—" for none.</summary>
    public static string Duration(TimeSpan? span) => span switch
    {
        null => "—",
        { TotalSeconds: < 1 } d => $"{Math.Max(0, d.TotalMilliseconds):0} ms",
        { TotalMinutes: < 1 } d => $"{d.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)} s",
        { TotalHours: < 1 } d => $"{d.Minutes}m {d.Seconds:00}s",
        { } d => $"{(int)d.TotalHours}h {d.Minutes:00}m",
    };

    /// <summary>A task status coloured for a table: ok green, error red, aborted yellow, pending grey.</summary>
    public static string StatusMarkup(Engine.TaskStatus status) => status switch
    {
        Engine.TaskStatus.Ok => "[green]ok[/]",
        Engine.TaskStatus.Error => "[red]error[/]",
        Engine.TaskStatus.Aborted => "[yellow]aborted[/]",
        _ => "[grey]pending[/]",
    };

    /// <summary>A message on one line (ArgumentException appends "(Parameter ...)" on its own; it says nothing here).</summary>
    public static string OneLine(string message)
    {
        var parameter = message.LastIndexOf(" (Parameter '", StringComparison.Ordinal);
        if (parameter > 0) message = message[..parameter];
        return string.Join(" ", message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }
}
