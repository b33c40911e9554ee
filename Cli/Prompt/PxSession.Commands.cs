using Microsoft.CodeAnalysis.Scripting;

namespace Orleans.Parallel.Cli.Prompt;

internal sealed partial class PxSession
{
    public const string Help = """
        Lines are C#: each line, or each block once its braces close, runs on the target engines.
          %targets [all|0,2|0-3]   which engines lines run on (no argument: show them)
          %block [on|off]          off: a line is queued and the prompt returns at once
          %result                  wait for the last line's results and show them
          %local <C#>              run C# here, on the client (its variables stay for %push)
          %push name [name…]       send %local variables to the target engines
          %pull name               show a variable's value on each target engine
          %who                     each target engine's variables and their types
          %history                 what this session ran
          %help                    this text
          %exit                    leave (as Ctrl-D does)
        Ctrl-C drops the line being typed, or aborts the running line on the engines.
        """;

    private async Task RunCommandAsync(MagicCommand command)
    {
        switch (command.Name)
        {
            case "targets": SetTargets(command.Argument); break;
            case "block": SetBlock(command.Argument); break;
            case "result": await ShowLastAsync(); break;
            case "local": await RunLocalAsync(command.Argument); break;
            case "push": await PushAsync(command.Names); break;
            case "pull": await PullAsync(command.Names); break;
            case "who": await WhoAsync(); break;
            case "history": ShowHistory(); break;
            case "help": output.Note(Help); break;
            case "exit" or "quit": _leaving = true; break;
            default: output.Error($"Unknown command %{command.Name}: %help lists the commands."); break;
        }
    }

    private void SetTargets(string argument)
    {
        if (argument.Length > 0)
        {
            var targets = TargetSelection.Parse(argument);
            var unknown = targets.Ids?.Except(client.Ids).ToArray() ?? [];
            if (unknown.Length > 0)
            {
                output.Error($"No engine {string.Join(",", unknown)}: the engines are {string.Join(",", client.Ids)}.");
                return;
            }
            Targets = targets;
        }
        output.Note($"targets: {Targets} (engines {string.Join(",", View.TargetIds)})");
    }

    private void SetBlock(string argument)
    {
        switch (argument.ToLowerInvariant())
        {
            case "on": _block = true; break;
            case "off": _block = false; break;
            case "": break;
            default: output.Error("%block takes on or off."); return;
        }
        output.Note(_block ? "block: on (each line waits for its results)" : "block: off (lines are queued; %result shows the last)");
    }

    private async Task ShowLastAsync()
    {
        if (_last is null) output.Note("No line has run yet.");
        else await ShowAsync(_last);
    }

    private async Task RunLocalAsync(string code)
    {
        if (code.Length == 0)
        {
            output.Error("%local takes C# to run on the client, e.g. %local var data = new[] { 1, 2, 3 };");
            return;
        }
        using var step = ctrlC.Begin();
        try
        {
            if (await _local.RunAsync(code, step.Token) is { } value)
                output.Write(new OutputLine("[local]", "Out: " + ValueText.Format(value), OutputKind.Value));
        }
        catch (CompilationErrorException e)
        {
            foreach (var line in LocalScript.Describe(e)) output.Write(new OutputLine("[local]", line, OutputKind.Error));
        }
        catch (OperationCanceledException) when (step.Token.IsCancellationRequested)
        {
            output.Note("^C: the local code stopped.");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The user's own code threw: shown like an engine's error, and the prompt goes on.
            output.Write(new OutputLine("[local]", $"{e.GetType().FullName}: {e.Message}", OutputKind.Error));
        }
    }

    private async Task PushAsync(IReadOnlyList<string> names)
    {
        if (names.Count == 0)
        {
            output.Error("%push takes the names of %local variables, e.g. %push data");
            return;
        }
        var values = new Dictionary<string, object?>();
        foreach (var name in names)
        {
            if (!_local.TryGet(name, out var value))
            {
                output.Error($"No %local variable '{name}': declare it first, e.g. %local var {name} = …;");
                return;
            }
            values[name] = value;
        }
        var result = View.PushAsync(values);
        if (!await WaitAsync(result)) return;
        var errors = ResultLines.For(result.Metadata).ToArray();
        if (errors.Length > 0) output.Write(errors);
        else output.Note($"pushed {string.Join(", ", names)} to engine(s) {string.Join(",", result.Metadata.Select(m => m.EngineId))}");
    }

    private async Task PullAsync(IReadOnlyList<string> names)
    {
        if (names.Count != 1)
        {
            output.Error("%pull takes one variable name, e.g. %pull a");
            return;
        }
        var result = View.PullAsync(names[0]);
        if (!await WaitAsync(result)) return;
        if (!result.Successful)
        {
            output.Write(ResultLines.For(result.Metadata));
            return;
        }
        var values = result.Get();
        var tasks = result.Metadata;
        for (var i = 0; i < tasks.Count; i++)
            output.Write(new OutputLine($"[engine {tasks[i].EngineId}]", $"{names[0]} = {ValueText.Format(values[i])}", OutputKind.Value));
    }

    private async Task WhoAsync()
    {
        var result = View.VariablesAsync();
        if (!await WaitAsync(result)) return;
        if (!result.Successful)
        {
            output.Write(ResultLines.For(result.Metadata));
            return;
        }
        var variables = result.Get();
        var tasks = result.Metadata;
        for (var i = 0; i < tasks.Count; i++)
        {
            var text = variables[i].Count == 0 ? "(no variables)" : string.Join(", ", variables[i].Select(v => $"{v.Name}: {v.TypeName}"));
            output.Write(new OutputLine($"[engine {tasks[i].EngineId}]", text, OutputKind.Value));
        }
    }

    private void ShowHistory()
    {
        // The %history line itself was added before it ran; it is not part of what the session ran.
        for (var i = 0; i < _history.Count - 1; i++)
            output.Note($"{i + 1,4}  {_history[i].Replace("\n", "\n      ")}");
    }
}
