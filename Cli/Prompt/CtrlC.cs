namespace Orleans.Parallel.Cli.Prompt;

/// <summary>
/// Ctrl-C never ends the prompt: it interrupts whatever is current (the line being typed, or the line
/// running on the engines) through a token of that step. Between steps it does nothing.
/// </summary>
internal sealed class CtrlC : IDisposable
{
    private readonly Lock _lock = new();
    private CancellationTokenSource? _current;

    public CtrlC() => Console.CancelKeyPress += OnCancelKeyPress;

    /// <summary>A token that the next Ctrl-C cancels, until the returned scope is disposed.</summary>
    public Scope Begin()
    {
        var source = new CancellationTokenSource();
        lock (_lock) _current = source;
        return new Scope(this, source);
    }

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        e.Cancel = true; // the process stays: Ctrl-D or %exit leave
        CancellationTokenSource? current;
        lock (_lock) current = _current;
        try
        {
            current?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The step ended as the key came: nothing left to interrupt.
        }
    }

    private void End(CancellationTokenSource source)
    {
        lock (_lock)
            if (_current == source) _current = null;
        source.Dispose();
    }

    public void Dispose() => Console.CancelKeyPress -= OnCancelKeyPress;

    internal readonly struct Scope(CtrlC owner, CancellationTokenSource source) : IDisposable
    {
        public CancellationToken Token => source.Token;

        public void Dispose() => owner.End(source);
    }
}
