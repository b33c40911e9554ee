using Orleans.Parallel.Security;
using Orleans.Parallel.Testing;

namespace Orleans.Parallel.Tests.Cli;

/// <summary>One real silo process with 2 engines, for the prompt tests; its connection file in the tests' OP_HOME.</summary>
public sealed class PxSilo : IAsyncLifetime
{
    private SiloProcess? _silo;

    public string ClusterId { get; } = $"px-{Guid.NewGuid():N}"[..16];

    public string ConnectionFile => Security.ConnectionFile.DefaultPath(ClusterId);

    public async Task InitializeAsync() => _silo = await SiloProcess.StartAsync(2, TimeSpan.FromSeconds(120), "--cluster-id", ClusterId);

    public async Task DisposeAsync()
    {
        if (_silo is not null) await _silo.DisposeAsync();
    }
}

/// <summary>
/// <c>opx px</c> in a real pseudo-terminal (tmux): lines and blocks run on every engine with each
/// engine's value and output shown, %targets narrows them, errors say where, Ctrl-C aborts a running
/// line and the prompt stays, Ctrl-D leaves.
/// </summary>
public sealed class PxPromptTests(PxSilo silo) : IClassFixture<PxSilo>
{
    // The machine is shared and busy: each step may take long, though it normally takes a second.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private async Task<TmuxTerminal> StartPromptAsync()
    {
        var opx = Path.Combine(AppContext.BaseDirectory, "opx.dll");
        // The marker after it shows that the prompt ended, and how.
        var terminal = await TmuxTerminal.StartAsync(
            $"env OP_HOME='{ConnectionFile.Root}' dotnet '{opx}' px --connection-file '{silo.ConnectionFile}'; echo PX-EXITED-$?; sleep 600");
        await terminal.WaitForAsync(s => s.Contains("px [all]>"), Patience * 2, "the prompt");
        return terminal;
    }

    [Fact]
    public async Task Lines_OnAllEngines_ShowEachEnginesValueAndOutput()
    {
        await using var terminal = await StartPromptAsync();

        await terminal.TypeLineAsync("var a = 5;");
        await terminal.TypeLineAsync("a * 2");
        var screen = await terminal.WaitForAsync(s => s.Contains("[engine 1] Out: 10"), Patience, "the value of a * 2");
        Assert.Contains("[engine 0] Out: 10", screen);

        // A block: the prompt waits while its braces are open, then runs it whole.
        await terminal.TypeLineAsync("for (var i = 0; i < 2; i++)");
        await terminal.TypeLineAsync("{");
        await terminal.TypeLineAsync("    Console.WriteLine($\"line {i + a}\");");
        screen = await terminal.WaitForAsync(s => s.Contains("    Console.WriteLine"), Patience, "the block's third line");
        Assert.DoesNotContain("[stdout:0]", screen);
        await terminal.TypeLineAsync("}");
        screen = await terminal.WaitForAsync(s => s.Contains("[stdout:1]") && s.LastIndexOf("line 6") > s.IndexOf("[stdout:1]"), Patience, "the block's output");
        Assert.Matches(@"\[stdout:0\]\s+line 5\s+line 6", screen);
    }

    [Fact]
    public async Task Targets_Narrowed_RunOnlyThere()
    {
        await using var terminal = await StartPromptAsync();

        await terminal.TypeLineAsync("%targets 1");
        await terminal.WaitForAsync(s => s.Contains("px [1]>"), Patience, "the prompt of engine 1");
        await terminal.TypeLineAsync("\"only here\"");
        var screen = await terminal.WaitForAsync(s => s.Contains("[engine 1] Out: only here"), Patience, "engine 1's value");
        Assert.DoesNotContain("[engine 0] Out: only here", screen);

        await terminal.TypeLineAsync("%targets all");
        await terminal.TypeLineAsync("\"everywhere\"");
        await terminal.WaitForAsync(s => s.Contains("[engine 0] Out: everywhere") && s.Contains("[engine 1] Out: everywhere"), Patience, "both values");
    }

    [Fact]
    public async Task Error_OnEachEngine_SaysLineAndColumn()
    {
        await using var terminal = await StartPromptAsync();

        await terminal.TypeLineAsync("var b = 1;");
        await terminal.TypeLineAsync("var c = b + missing;");
        var screen = await terminal.WaitForAsync(s => s.Contains("[engine 1] error CS0103"), Patience, "the compile error");
        Assert.Contains("[engine 0] error CS0103 at line 1, column 13: The name 'missing' does not exist", screen);
        Assert.Contains("[engine 1] error CS0103 at line 1, column 13:", screen);

        await terminal.TypeLineAsync("%nonsense");
        await terminal.WaitForAsync(s => s.Contains("Unknown command %nonsense"), Patience, "the unknown command's message");
    }

    [Fact]
    public async Task CtrlC_DuringALongLine_AbortsItOnTheEngines_AndCtrlDLeaves()
    {
        await using var terminal = await StartPromptAsync();

        // A minute of work that checks the token every engine's script is given.
        await terminal.TypeLineAsync("for (var i = 0; i < 600; i++) { Thread.Sleep(100); CancellationToken.ThrowIfCancellationRequested(); }");
        await Task.Delay(TimeSpan.FromSeconds(3)); // let it start on the engines
        await terminal.SendKeysAsync("C-c");
        var screen = await terminal.WaitForAsync(s => s.Contains("[engine 1] aborted"), Patience, "the abort");
        Assert.Contains("[engine 0] aborted while it ran", screen);
        Assert.DoesNotContain("PX-EXITED", screen);

        // The engines are free again, and Ctrl-C at the prompt drops the line being typed (else the next
        // line would run as `dropped"free"`, which does not compile) and does not end the prompt.
        await terminal.SendKeysAsync("-l", "dropped");
        await terminal.SendKeysAsync("C-c");
        await terminal.TypeLineAsync("\"free\"");
        screen = await terminal.WaitForAsync(s => s.Contains("[engine 1] Out: free"), Patience, "a line after the abort");
        Assert.DoesNotContain("PX-EXITED", screen);

        await terminal.SendKeysAsync("C-d");
        await terminal.WaitForAsync(s => s.Contains("PX-EXITED-0"), Patience, "the prompt to end");
    }

    [Fact]
    public async Task LocalPushPull_AndBlockOff_WorkThroughThePrompt()
    {
        await using var terminal = await StartPromptAsync();

        await terminal.TypeLineAsync("%local var data = new[] { 3, 4 };");
        await terminal.TypeLineAsync("%push data");
        await terminal.WaitForAsync(s => s.Contains("pushed data to engine(s) 0,1"), Patience, "the push");
        await terminal.TypeLineAsync("%pull data");
        await terminal.WaitForAsync(s => s.Contains("[engine 0] data = [3, 4]") && s.Contains("[engine 1] data = [3, 4]"), Patience, "the pull");

        await terminal.TypeLineAsync("%block off");
        await terminal.TypeLineAsync("data.Sum()");
        await terminal.WaitForAsync(s => s.Contains("queued on engine(s) 0,1"), Patience, "the queued line");
        await terminal.TypeLineAsync("%result");
        await terminal.WaitForAsync(s => s.Contains("[engine 0] Out: 7") && s.Contains("[engine 1] Out: 7"), Patience, "%result");
    }

    [Fact]
    public async Task NoCluster_SaysSoInOneLine()
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "opx.dll"), "px", "--cluster-id", "nothing-runs-here" }) start.ArgumentList.Add(argument);
        using var process = System.Diagnostics.Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync().WaitAsync(Patience);
        await process.WaitForExitAsync().WaitAsync(Patience);

        Assert.Equal(1, process.ExitCode);
        Assert.StartsWith("opx px: no cluster is running:", error);
        Assert.Contains(ConnectionFile.DefaultPath("nothing-runs-here"), error);
        Assert.Single(error.Trim().Split('\n'));
    }
}
