using System.Text;

namespace Orleans.Parallel.Grains.Execution;

/// <summary>
/// Routes <see cref="Console.Out"/> and <see cref="Console.Error"/> to the task that is writing:
/// each task runs inside <see cref="Begin"/>, whose buffers flow with the execution context (so
/// async continuations keep writing to their own task), and engines sharing a silo never mix output.
/// Writes from outside any task go to the real console.
/// </summary>
internal static class OutputCapture
{
    private static readonly AsyncLocal<TaskOutput?> Current = new();
    private static int _installed;

    public static void Install()
    {
        if (Interlocked.Exchange(ref _installed, 1) == 1) return;
        Console.SetOut(new RoutingWriter(Console.Out, error: false));
        Console.SetError(new RoutingWriter(Console.Error, error: true));
    }

    /// <summary>Starts capturing for the current task; dispose the scope to stop.</summary>
    public static Scope Begin(TaskOutput output)
    {
        var previous = Current.Value;
        Current.Value = output;
        return new Scope(previous);
    }

    internal readonly struct Scope(TaskOutput? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }

    private sealed class RoutingWriter(TextWriter inner, bool error) : TextWriter
    {
        public override Encoding Encoding => inner.Encoding;

        private TextWriter Target => Current.Value is { } task ? task.Writer(error) : inner;

        public override void Write(char value) => Target.Write(value);
        public override void Write(string? value) => Target.Write(value);
        public override void Write(char[] buffer, int index, int count) => Target.Write(buffer, index, count);
        public override void Write(ReadOnlySpan<char> buffer) => Target.Write(buffer);
        public override void WriteLine() => Target.WriteLine();
        public override void WriteLine(string? value) => Target.WriteLine(value);
        public override void Flush() => Target.Flush();
    }
}

/// <summary>The stdout and stderr text one task wrote.</summary>
internal sealed class TaskOutput
{
    private readonly StringWriter _out = new();
    private readonly StringWriter _err = new();
    private readonly TextWriter _syncOut;
    private readonly TextWriter _syncErr;

    public TaskOutput()
    {
        _syncOut = TextWriter.Synchronized(_out);
        _syncErr = TextWriter.Synchronized(_err);
    }

    public TextWriter Writer(bool error) => error ? _syncErr : _syncOut;

    /// <summary>Read once the task has ended; a thread the task left running may still append.</summary>
    public string Stdout => _out.ToString();

    public string Stderr => _err.ToString();
}
