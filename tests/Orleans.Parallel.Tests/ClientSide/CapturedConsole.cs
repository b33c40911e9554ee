using System.Text;
using Spectre.Console;

namespace Orleans.Parallel.Tests.ClientSide;

/// <summary>
/// A Spectre.Console console writing to memory: interactive with ANSI (a terminal, for the live bar),
/// or neither (a log or a pipe, for plain lines). Reads and writes are locked, as a watch writes from its own loop.
/// </summary>
internal sealed class CapturedConsole
{
    private readonly StringWriter _text = new();
    private readonly TextWriter _writer;

    public CapturedConsole(bool interactive)
    {
        _writer = TextWriter.Synchronized(_text);
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(_writer),
            Ansi = interactive ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.TrueColor : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        Console.Profile.Width = 200; // a wide terminal: the bar's words on one line
    }

    public IAnsiConsole Console { get; }

    /// <summary>Everything written so far.</summary>
    public string Text
    {
        get
        {
            lock (_writer) return _text.ToString();
        }
    }

    /// <summary>The plain lines written so far.</summary>
    public string[] Lines => Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

    /// <summary>Waits until the text holds <paramref name="expected"/> (up to 10 s), then returns it.</summary>
    public async Task<string> WaitForAsync(string expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!Text.Contains(expected, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The console never showed \"{expected}\"; it shows:\n{Text}");
            await Task.Delay(20);
        }
        return Text;
    }
}
