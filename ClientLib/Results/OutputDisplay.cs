using System.Globalization;

namespace Orleans.Parallel.Results;

/// <summary>
/// <see cref="AsyncResult.DisplayOutputs(TextWriter, TextWriter?, OutputGrouping)"/>: the tasks' stdout and
/// stderr, labelled by engine the way ipyparallel's <c>display_outputs</c> labels them.
/// </summary>
internal static class OutputDisplay
{
    public static void Write(AsyncResult result, TextWriter stdout, TextWriter stderr, OutputGrouping groupBy)
    {
        if (!Enum.IsDefined(groupBy))
            throw new ArgumentOutOfRangeException(nameof(groupBy), groupBy, $"No output grouping {(int)groupBy}; use OutputGrouping.Type or OutputGrouping.Engine.");
        if (!result.Ready)
            throw new InvalidOperationException(
                "Result not ready: DisplayOutputs shows what the tasks printed once every task has ended. Wait for the result first, or read its Output as it streams.");
        var outs = result.Stdout;
        var errs = result.Stderr;
        var printer = new Printer();
        if (result.Scalar)
        {
            // One task: its text as it is, as ipyparallel shows a single result.
            printer.Write(stdout, outs[0], label: null);
            printer.Write(stderr, errs[0], label: null);
            return;
        }
        var engines = result.Messages.Select(m => m.EngineId).ToArray();
        var tasks = Enumerable.Range(0, engines.Length);
        if (groupBy == OutputGrouping.Type)
        {
            foreach (var i in tasks) printer.Write(stdout, outs[i], Label("stdout", engines[i]));
            foreach (var i in tasks) printer.Write(stderr, errs[i], Label("stderr", engines[i]));
            return;
        }
        foreach (var i in tasks.GroupBy(i => engines[i]).SelectMany(byEngine => byEngine))
        {
            printer.Write(stdout, outs[i], Label("stdout", engines[i]));
            printer.Write(stderr, errs[i], Label("stderr", engines[i]));
        }
    }

    private static string Label(string stream, int engineId) => string.Create(CultureInfo.InvariantCulture, $"[{stream}:{engineId}]");

    /// <summary>
    /// ipyparallel's <c>_display_stream</c>: a label on a line of its own before the text, left out when
    /// the same label came just before; a newline first when the writer's last text did not end with one.
    /// Empty text prints nothing.
    /// </summary>
    private sealed class Printer
    {
        private string? _lastLabel;
        private readonly Dictionary<TextWriter, bool> _endsInNewline = new(ReferenceEqualityComparer.Instance);

        public void Write(TextWriter writer, string text, string? label)
        {
            if (text.Length == 0) return;
            if (label is not null)
            {
                if (label == _lastLabel) label = null;
                else _lastLabel = label;
            }
            if (label is not null)
            {
                if (!_endsInNewline.GetValueOrDefault(writer, true)) writer.WriteLine();
                writer.WriteLine(label);
            }
            writer.Write(text);
            _endsInNewline[writer] = text.EndsWith('\n');
        }
    }
}
