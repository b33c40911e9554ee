using System.Text;

namespace Orleans.Parallel.Cli.Prompt;

/// <summary>
/// Reads one line from the terminal with editing: Left/Right, Home/End (Ctrl-A/E), Backspace/Delete,
/// Ctrl-U/Ctrl-K (cut before/after the cursor), Up/Down through the history; Enter submits, Ctrl-D on
/// an empty line ends the input. Written here because RadLine 0.6.0, the editor of the Spectre family,
/// cannot be constructed with the Spectre.Console this tool uses (0.57: its prompt calls a Markup
/// constructor that no longer exists).
/// </summary>
internal sealed class LineEditor(IReadOnlyList<string> history)
{
    private readonly List<string> _history = [.. history];

    public void Remember(string entry)
    {
        if (_history.Count == 0 || _history[^1] != entry) _history.Add(entry);
    }

    /// <summary>The line; null at Ctrl-D on an empty line.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> ended the read (Ctrl-C).</exception>
    public async Task<string?> ReadLineAsync(PxPrompt prompt, CancellationToken cancellationToken)
    {
        var line = new LineBuffer();
        var recalled = _history.Count; // _history.Count: the line being typed, not a recalled one
        var typed = "";
        Render(prompt, line);
        while (true)
        {
            var key = await ReadKeyAsync(cancellationToken);
            switch (key.Key)
            {
                case ConsoleKey.Enter:
                    Console.Write("\r\n");
                    return line.Text;
                case ConsoleKey.D when key.Modifiers.HasFlag(ConsoleModifiers.Control):
                    if (line.Text.Length == 0)
                    {
                        Console.Write("\r\n");
                        return null;
                    }
                    line.Delete();
                    break;
                case ConsoleKey.UpArrow or ConsoleKey.DownArrow:
                    if (recalled == _history.Count) typed = line.Text;
                    recalled = Math.Clamp(recalled + (key.Key == ConsoleKey.UpArrow ? -1 : 1), 0, _history.Count);
                    line.Set(recalled == _history.Count ? typed : _history[recalled]);
                    break;
                default:
                    Edit(line, key);
                    break;
            }
            Render(prompt, line);
        }
    }

    private static void Edit(LineBuffer line, ConsoleKeyInfo key)
    {
        var control = key.Modifiers.HasFlag(ConsoleModifiers.Control);
        switch (key.Key)
        {
            case ConsoleKey.Backspace: line.Backspace(); break;
            case ConsoleKey.Delete: line.Delete(); break;
            case ConsoleKey.LeftArrow: line.Move(-1); break;
            case ConsoleKey.RightArrow: line.Move(1); break;
            case ConsoleKey.Home: line.MoveTo(0); break;
            case ConsoleKey.End: line.MoveTo(int.MaxValue); break;
            case ConsoleKey.A when control: line.MoveTo(0); break;
            case ConsoleKey.E when control: line.MoveTo(int.MaxValue); break;
            case ConsoleKey.U when control: line.CutBefore(); break;
            case ConsoleKey.K when control: line.CutAfter(); break;
            case ConsoleKey.Tab: line.Insert("    "); break;
            default:
                if (key.KeyChar != 0 && !char.IsControl(key.KeyChar)) line.Insert(key.KeyChar.ToString());
                break;
        }
    }

    /// <summary>Redraws the prompt and the line, and puts the cursor where it is in the line.</summary>
    private static void Render(PxPrompt prompt, LineBuffer line)
    {
        var text = new StringBuilder("\r").Append(prompt.Ansi).Append(line.Text).Append("\u001b[K");
        var back = line.Text.Length - line.Cursor;
        if (back > 0) text.Append($"\u001b[{back}D");
        Console.Write(text.ToString());
    }

    /// <summary>Waits for a key without blocking a thread in ReadKey, so Ctrl-C (a signal, not a key) can end the wait.</summary>
    private static async Task<ConsoleKeyInfo> ReadKeyAsync(CancellationToken cancellationToken)
    {
        while (!Console.KeyAvailable) await Task.Delay(10, cancellationToken);
        return Console.ReadKey(intercept: true);
    }
}
