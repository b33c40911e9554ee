using System.Text.Json;
using Orleans.Parallel.Security;

namespace Orleans.Parallel.Tests.Cli;

/// <summary>
/// <c>opx status</c>, <c>opx tasks</c> and <c>opx result</c> run as a script runs them (output
/// redirected) against a real 2-engine silo with tasks of every kind: the tables and the JSON say the
/// same facts, queries filter, a task's value, output and error show with the exit code telling how
/// it ended, and every mistake (bad query, bad or unknown msg id, no cluster) is one line with its code.
/// </summary>
public sealed class OpxInspectTests(OpxCluster cluster) : IClassFixture<OpxCluster>
{
    // The machine is shared and busy: an opx process may take long to start, though it normally takes a second or two.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private Task<OpxOutcome> OpxAsync(params string[] args) => OpxProcess.RunAsync(Patience, [.. args, "--cluster-id", cluster.ClusterId]);

    private static JsonElement Json(OpxOutcome outcome) => JsonDocument.Parse(outcome.Stdout).RootElement;

    [Fact]
    public async Task Status_Table_ShowsTheSiloBothEnginesAndTheStore()
    {
        var status = await OpxAsync("status");

        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains(cluster.ClusterId, status.Stdout);
        Assert.Contains(cluster.ConnectionFile, status.Stdout);
        Assert.Contains("not started by opx start", status.Stdout);
        Assert.DoesNotContain("\u001b[", status.Stdout); // plain when piped
        // The silo's table, and the engines' silo column for each of the two engines.
        Assert.True(status.Stdout.Split(cluster.SiloName).Length - 1 >= 3, status.ToString());
        var engineRows = status.Stdout.Split('\n').Where(l => l.Contains(cluster.SiloName) && (l.Contains("idle") || l.Contains("busy"))).ToArray();
        Assert.Equal(2, engineRows.Length);
        Assert.Matches(@"task store: memory, \d+ record\(s\), \d+ pending", status.Stdout);
        Assert.Contains("unassigned tasks: 0", status.Stdout);
        Assert.Equal("", status.Stderr);
    }

    [Fact]
    public async Task Status_Json_HasTheEnginesAndTheStoresCounts()
    {
        var status = await OpxAsync("status", "--json");

        Assert.True(status.ExitCode == 0, status.ToString());
        var json = Json(status); // stdout is the JSON and nothing else
        Assert.Equal(cluster.ClusterId, json.GetProperty("cluster").GetProperty("id").GetString());
        Assert.Equal(cluster.ConnectionFile, json.GetProperty("cluster").GetProperty("connectionFile").GetString());
        Assert.Single(json.GetProperty("cluster").GetProperty("gateways").EnumerateArray());
        var silo = Assert.Single(json.GetProperty("silos").EnumerateArray());
        Assert.Equal(cluster.SiloName, silo.GetProperty("name").GetString());
        Assert.Equal(new[] { 0, 1 }, silo.GetProperty("engineIds").EnumerateArray().Select(e => e.GetInt32()));
        var engines = json.GetProperty("engines").EnumerateArray().ToArray();
        Assert.Equal(new[] { 0, 1 }, engines.Select(e => e.GetProperty("id").GetInt32()));
        Assert.All(engines, e => Assert.Equal(cluster.SiloName, e.GetProperty("silo").GetString()));
        Assert.True(engines.Sum(e => e.GetProperty("completed").GetInt64()) >= cluster.TasksSent, status.Stdout);
        var store = json.GetProperty("taskStore");
        Assert.Equal("memory", store.GetProperty("kind").GetString());
        Assert.True(store.GetProperty("records").GetInt32() >= cluster.TasksSent, status.Stdout);
        Assert.Equal(0, json.GetProperty("unassigned").GetInt32());
    }

    [Fact]
    public async Task Tasks_ListsEveryTaskWithItsStatus()
    {
        var tasks = await OpxAsync("tasks", "--last", "0");

        Assert.True(tasks.ExitCode == 0, tasks.ToString());
        string Row(Guid id) => Assert.Single(tasks.Stdout.Split('\n'), l => l.Contains(id.ToString()));
        Assert.Contains(" ok ", Row(cluster.OkApply));
        Assert.Contains(OpxCluster.Label, Row(cluster.OkApply));
        Assert.Contains(" error ", Row(cluster.FailedApply));
        Assert.Contains(" ok ", Row(cluster.PrintingScript));
        Assert.Contains(" error ", Row(cluster.CompileError));
        Assert.Matches(@"\d+ task\(s\)", tasks.Stdout);

        var json = Json(await OpxAsync("tasks", "--last", "0", "--json"));
        var ok = Assert.Single(json.GetProperty("tasks").EnumerateArray(), t => t.GetProperty("msgId").GetGuid() == cluster.OkApply);
        Assert.Equal("ok", ok.GetProperty("status").GetString());
        Assert.Equal(OpxCluster.Label, ok.GetProperty("label").GetString());
        Assert.InRange(ok.GetProperty("engineId").GetInt32(), 0, 1);
        Assert.True(ok.GetProperty("durationSeconds").GetDouble() >= 0);
    }

    [Fact]
    public async Task Tasks_Last1_GivesOnlyTheLatest()
    {
        var json = Json(await OpxAsync("tasks", "--last", "1", "--json"));
        Assert.Single(json.GetProperty("tasks").EnumerateArray());
        Assert.True(json.GetProperty("matched").GetInt32() >= cluster.TasksSent);

        var table = await OpxAsync("tasks", "--last", "1");
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Matches(@"the last 1 of \d+ task\(s\); --last 0 shows all", table.Stdout);
    }

    [Fact]
    public async Task Tasks_QueryByStatus_ListsOnlyThoseTasks()
    {
        var errors = await OpxAsync("tasks", "--query", "{\"status\":\"error\"}", "--last", "0", "--json");

        Assert.True(errors.ExitCode == 0, errors.ToString());
        var tasks = Json(errors).GetProperty("tasks").EnumerateArray().ToArray();
        Assert.All(tasks, t => Assert.Equal("error", t.GetProperty("status").GetString()));
        var ids = tasks.Select(t => t.GetProperty("msgId").GetGuid()).ToArray();
        Assert.Contains(cluster.FailedApply, ids);
        Assert.Contains(cluster.CompileError, ids);
        Assert.DoesNotContain(cluster.OkApply, ids);
    }

    [Theory]
    [InlineData("{\"colour\":\"red\"}", "Unknown field 'colour'")]
    [InlineData("{\"status\":", "not valid JSON")]
    [InlineData("{\"status\":\"sleepy\"}", "status")]
    public async Task Tasks_BadQuery_SaysWhyInOneLine_ExitCode2(string query, string why)
    {
        var bad = await OpxAsync("tasks", "--query", query);

        Assert.True(bad.ExitCode == 2, bad.ToString());
        Assert.StartsWith("opx tasks: --query: ", bad.Stderr);
        Assert.Contains(why, bad.Stderr);
        Assert.Single(bad.Stderr.Trim().Split('\n'));
        Assert.Equal("", bad.Stdout);
    }

    [Fact]
    public async Task Result_OfOkTasks_ShowsValueAndStdout()
    {
        var script = await OpxAsync("result", cluster.PrintingScript.ToString());
        Assert.True(script.ExitCode == 0, script.ToString());
        Assert.Contains("value: 42", script.Stdout);
        Assert.Contains("stdout: hello from opx tests", script.Stdout);
        Assert.Matches(@"engine\s+0", script.Stdout);

        var apply = await OpxAsync("result", cluster.OkApply.ToString(), "--json");
        Assert.True(apply.ExitCode == 0, apply.ToString());
        var json = Json(apply);
        Assert.Equal(cluster.OkApply, json.GetProperty("msgId").GetGuid());
        Assert.Equal("ok", json.GetProperty("status").GetString());
        Assert.Equal("42", json.GetProperty("value").GetString());
        Assert.Equal("System.Int32", json.GetProperty("valueType").GetString());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("error").ValueKind);
    }

    [Fact]
    public async Task Result_OfFailedTasks_ShowsTheError_ExitCode1()
    {
        var thrown = await OpxAsync("result", cluster.FailedApply.ToString());
        Assert.True(thrown.ExitCode == 1, thrown.ToString());
        Assert.Contains("error: System.FormatException:", thrown.Stdout);
        Assert.DoesNotContain("value:", thrown.Stdout);

        var compile = await OpxAsync("result", cluster.CompileError.ToString());
        Assert.True(compile.ExitCode == 1, compile.ToString());
        Assert.Matches(@"error CS0103 at line 2, column \d+: The name 'missing' does not exist", compile.Stdout);

        var json = Json(await OpxAsync("result", cluster.CompileError.ToString(), "--json"));
        Assert.Equal("error", json.GetProperty("status").GetString());
        var diagnostic = Assert.Single(json.GetProperty("error").GetProperty("diagnostics").EnumerateArray());
        Assert.Equal("CS0103", diagnostic.GetProperty("id").GetString());
        Assert.Equal(2, diagnostic.GetProperty("line").GetInt32());
    }

    [Fact]
    public async Task Result_UnknownOrMalformedMsgId_OneLine()
    {
        var unknown = Guid.NewGuid();
        var missing = await OpxAsync("result", unknown.ToString());
        Assert.True(missing.ExitCode == 1, missing.ToString());
        Assert.StartsWith($"opx result: No task record has msg id {unknown}", missing.Stderr);
        Assert.Single(missing.Stderr.Trim().Split('\n'));

        var malformed = await OpxAsync("result", "not-a-guid");
        Assert.True(malformed.ExitCode == 2, malformed.ToString());
        Assert.StartsWith("opx result: MSGID: 'not-a-guid' is not a msg id", malformed.Stderr);
        Assert.Single(malformed.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task Result_OfAPendingTask_NoWaitSaysSo_OtherwiseWaitsForIt()
    {
        var gate = Path.Combine(Path.GetTempPath(), $"opx-gate-{Guid.NewGuid():N}");
        var pending = cluster.Client[1].ExecuteAsync(
            $"for (var i = 0; i < 12000 && !System.IO.File.Exists(@\"{gate}\"); i++) System.Threading.Thread.Sleep(50);\n\"released\"");
        try
        {
            var noWait = await OpxAsync("result", pending.MsgId.ToString(), "--no-wait");
            Assert.True(noWait.ExitCode == 3, noWait.ToString());
            Assert.Contains("pending: it has not ended yet", noWait.Stdout);

            using var waiting = OpxProcess.Start("result", pending.MsgId.ToString(), "--cluster-id", cluster.ClusterId);
            var line = await waiting.Stderr.ReadLineAsync().WaitAsync(Patience);
            Assert.Equal($"opx result: task {pending.MsgId} is pending; waiting for it to end (Ctrl-C stops waiting).", line);
            await File.WriteAllTextAsync(gate, "");
            var waited = await waiting.EndAsync(Patience);
            Assert.True(waited.ExitCode == 0, waited.ToString());
            Assert.Contains("value: released", waited.Stdout);
        }
        finally
        {
            await File.WriteAllTextAsync(gate, ""); // never leave engine 1 waiting
            await pending.WaitAsync(Patience);
            File.Delete(gate);
        }
    }

    [Theory]
    [InlineData("status")]
    [InlineData("tasks")]
    [InlineData("result", "0f8fad5b-d9cb-469f-a165-70867728950e")]
    public async Task NoCluster_EachCommand_SaysSoInOneLine_ExitCode1(params string[] command)
    {
        var outcome = await OpxProcess.RunAsync(Patience, [.. command, "--cluster-id", "nothing-here"]);

        Assert.True(outcome.ExitCode == 1, outcome.ToString());
        Assert.StartsWith($"opx {command[0]}: no cluster is running:", outcome.Stderr);
        Assert.Contains(ConnectionFile.DefaultPath("nothing-here"), outcome.Stderr);
        Assert.Single(outcome.Stderr.Trim().Split('\n'));
        Assert.Equal("", outcome.Stdout);
    }
}
