using Spectre.Console;

namespace Orleans.Parallel.Cli.Prompt;

/// <summary>
/// Writes <see cref="OutputLine"/>s to the terminal: the label coloured by kind, the text as it is
/// (never read as markup: user output may hold brackets). Text of several lines starts under its label.
/// </summary>
internal sealed class OutputWriter(IAnsiConsole console)
{
    public void Write(IEnumerable<OutputLine> lines)
    {
        foreach (var line in lines) Write(line);
    }

    public void Write(OutputLine line)
    {
        var color = line.Kind switch
        {
            OutputKind.Value => "green",
            OutputKind.Stdout => "blue",
            OutputKind.Stderr => "yellow",
            OutputKind.Error => "red",
            _ => "grey",
        };
        var label = line.Label.Length > 0 ? $"[{color}]{Markup.Escape(line.Label)}[/]" : "";
        var separator = line.Text.Contains('\n') ? "\n" : label.Length > 0 ? " " : "";
        var text = Markup.Escape(line.Text);
        if (label.Length == 0 && line.Kind is OutputKind.Error or OutputKind.Note) text = $"[{color}]{text}[/]";
        console.MarkupLine(label + separator + text);
    }

    public void Note(string text) => Write(new OutputLine("", text, OutputKind.Note));

    public void Error(string text) => Write(new OutputLine("", text, OutputKind.Error));
}
