namespace Orleans.Parallel.Cli.Prompt;

/// <summary>
/// Lines from redirected input (<c>opx px &lt; script.csx</c>, a pipe): no editing and no history, which
/// need a terminal; the end of the input leaves as Ctrl-D does.
/// </summary>
internal sealed class PlainLineSource(TextReader input) : ILineSource
{
    public async Task<InputLine> ReadAsync(bool continuation, CancellationToken interrupt)
    {
        try
        {
            var line = await input.ReadLineAsync(interrupt);
            return line is null ? InputLine.EndOfInput : new InputLine(InputKind.Line, line);
        }
        catch (OperationCanceledException)
        {
            return InputLine.Interrupted;
        }
    }

    public void Remember(string submission)
    {
    }
}
