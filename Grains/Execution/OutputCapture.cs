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
