using System.Text;
using Orleans.Parallel.Results;
using Orleans.Parallel.Views;

namespace Orleans.Parallel.Cli.Prompt;

/// <summary>
/// The px prompt's loop: reads a line, or lines until a C# block closes, and runs it on the selected
/// engines (or runs a % command), until Ctrl-D. Its state: the targets, whether lines wait for their
/// results, the last result, the session's history and the client-side script of <c>%local</c>.
/// </summary>
internal sealed partial class PxSession(ParallelClient client, ILineSource input, OutputWriter output, PxPrompt prompt, CtrlC ctrlC)
{
    private readonly List<string> _history = [];
    private readonly LocalScript _local = new();
    private TargetSelection _targets = TargetSelection.All;
    private bool _block = true;
    private AsyncResult? _last;
    private bool _leaving;

    public TargetSelection Targets
    {
        get => _targets;
        set
        {
            _targets = value;
            prompt.Targets = value.ToString();
        }
    }

    public async Task RunAsync()
    {
        output.Note($"Connected: {client.Ids.Count} engine(s). Lines run on the engines of [{Targets}]; %help lists the commands, Ctrl-D leaves.");
        while (!_leaving)
        {
            var submission = await ReadSubmissionAsync();
            if (submission is null) break;
            if (string.IsNullOrWhiteSpace(submission)) continue;
            _history.Add(submission);
            input.Remember(submission);
            try
            {
                if (MagicCommand.Parse(submission) is { } command) await RunCommandAsync(command);
                else await ExecuteAsync(submission);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
            {
                // A bad target, a name the engines reject, a view with no engines: said, and the prompt goes on.
                output.Error(e.Message);
            }
        }
    }

    /// <summary>
    /// One submission: a line, or the lines of a block until it is complete. Null at Ctrl-D; empty
    /// after Ctrl-C, which drops what was typed.
    /// </summary>
    private async Task<string?> ReadSubmissionAsync()
    {
        var text = new StringBuilder();
        while (true)
        {
            InputLine line;
            using (var step = ctrlC.Begin()) line = await input.ReadAsync(continuation: text.Length > 0, step.Token);
            switch (line.Kind)
            {
                case InputKind.EndOfInput when text.Length == 0:
                    return null;
                case InputKind.EndOfInput:
                    return text.ToString(); // the input ended inside a block: run what came, which reports what is missing
                case InputKind.Interrupted:
                    return "";
            }
            if (text.Length > 0) text.Append('\n');
            text.Append(line.Text);
            var sofar = text.ToString();
            if (text.Length == line.Text.Length && MagicCommand.Parse(sofar) is not null) return sofar;
            if (BlockCompleteness.IsComplete(sofar)) return sofar;
        }
    }

    // Labelled, so opx tasks --query '{"label":"px"}' finds what the prompt ran.
    private DirectView View => (Targets.Ids is { } ids ? client[ids] : client[..]).With(label: "px");

    private async Task ExecuteAsync(string code)
    {
        var result = View.ExecuteAsync(code);
        _last = result;
        if (!_block)
        {
            output.Note($"queued on engine(s) {string.Join(",", result.Metadata.Select(m => m.EngineId))}; %result shows it");
            return;
        }
        await ShowAsync(result);
    }

    /// <summary>Waits for a result (Ctrl-C aborts its tasks) and shows it per engine.</summary>
    private async Task ShowAsync(AsyncResult result)
    {
        if (!await WaitAsync(result)) return;
        output.Write(ResultLines.For(result.Metadata));
    }

    /// <summary>
    /// Waits for every task of <paramref name="result"/>. Ctrl-C aborts them on the engines (their
    /// cancellation token ends them; queued ones are dropped) and says which still run. False when
    /// the wait was interrupted and some still run.
    /// </summary>
    private async Task<bool> WaitAsync(AsyncResult result)
    {
        using (var step = ctrlC.Begin())
        {
            try
            {
                await result.WaitAsync(null, step.Token);
                return true;
            }
            catch (OperationCanceledException) when (step.Token.IsCancellationRequested)
            {
            }
        }
        output.Note("^C: aborting on the engines…");
        var outcome = await result.AbortAsync(TimeSpan.FromSeconds(2));
        if (outcome.AllEnded)
        {
            output.Write(ResultLines.For(result.Metadata));
            return false;
        }
        var engines = result.Metadata.Where(m => outcome.StillRunning.Contains(m.MsgId)).Select(m => m.EngineId);
        output.Error($"Still running on engine(s) {string.Join(",", engines)}: the code ignores its CancellationToken. " +
                     "%result waits for it again; ParallelClient.InterruptAsync(engineId) ends it the hard way.");
        return false;
    }
}
