namespace Orleans.Parallel.Cli.Prompt;

/// <summary>
/// Lines from a terminal through <see cref="LineEditor"/>, with the history of this session and of
/// earlier ones (<see cref="HistoryFile"/>); Ctrl-C drops the line, Ctrl-D on an empty line leaves.
/// </summary>
internal sealed class EditorLineSource(PxPrompt prompt, HistoryFile history) : ILineSource
{
    private readonly LineEditor _editor = new(history.Read());

    public async Task<InputLine> ReadAsync(bool continuation, CancellationToken interrupt)
    {
        prompt.Continuation = continuation;
        try
        {
            var line = await _editor.ReadLineAsync(prompt, interrupt);
            return line is null ? InputLine.EndOfInput : new InputLine(InputKind.Line, line);
        }
        catch (OperationCanceledException) when (interrupt.IsCancellationRequested)
        {
            Console.Write("^C\r\n");
            return InputLine.Interrupted;
        }
    }

    public void Remember(string submission)
    {
        _editor.Remember(submission);
        history.Append(submission);
    }
}
