using Orleans.Parallel.Errors;

namespace Orleans.Parallel.Tests.Cluster;

/// <summary>Execute and Run: C# script text in each engine's namespace.</summary>
[Collection(ClusterCollection.Name)]
public class ExecuteTests(ClusterFixture fixture)
{
    private ParallelClient Rc => fixture.Client;

    [Fact]
    public async Task Execute_DeclaresVariable_PullGivesValueFromEachEngine()
    {
        await Rc[..].ExecuteAsync("var exec_a = 5;");
        Assert.Equal([5, 5, 5, 5], await Rc[..].PullAsync<int>("exec_a"));
    }

    [Fact]
    public async Task Execute_LaterScript_SeesEarlierScriptVariables()
    {
        var all = Rc[..];
        await all.ExecuteAsync("var exec_b = 2;");
        await all.ExecuteAsync("var exec_c = exec_b * 21;");
        Assert.Equal([42, 42, 42, 42], await all.PullAsync<int>("exec_c"));
    }

    [Fact]
    public async Task Execute_PushedArray_VisibleByNameAndType()
    {
        var all = Rc[..];
        await all.PushAsync(new { exec_x = new[] { 1, 2, 3, 4 } });
        // Sum() and Length need the static type int[]; an object-typed variable would not compile.
        await all.ExecuteAsync("var exec_s = exec_x.Sum(); var exec_len = exec_x.Length;");
        Assert.Equal([10, 10, 10, 10], await all.PullAsync<int>("exec_s"));
        Assert.Equal([4, 4, 4, 4], await all.PullAsync<int>("exec_len"));
    }

    [Fact]
    public async Task Execute_PushedPerEngineValues_EachEngineUsesItsOwn()
    {
        foreach (var id in Rc.Ids) await Rc[id].PushAsync(new { exec_own = id });
        await Rc[..].ExecuteAsync("var exec_own_sq = exec_own * exec_own;");
        Assert.Equal([0, 1, 4, 9], await Rc[..].PullAsync<int>("exec_own_sq"));
    }

    [Fact]
    public async Task Execute_AssignsPushedVariable_PullGivesNewValue()
    {
        var all = Rc[..];
        await all.PushAsync(new { exec_p = 1, exec_text = "a" });
        await all.ExecuteAsync("exec_p = exec_p + 41; exec_text += \"b\";");
        Assert.Equal([42, 42, 42, 42], await all.PullAsync<int>("exec_p"));
        Assert.Equal(["ab", "ab", "ab", "ab"], await all.PullAsync<string>("exec_text"));
    }

    [Fact]
    public async Task Execute_RedeclaresVariable_NewValueAndTypeReplaceOld()
    {
        var all = Rc[..];
        await all.ExecuteAsync("var exec_r = 1;");
        await all.ExecuteAsync("var exec_r = \"now a string\";");
        Assert.Equal(Enumerable.Repeat("now a string", 4), await all.PullAsync<string>("exec_r"));
        await all.ExecuteAsync("var exec_r_len = exec_r.Length;");
        Assert.Equal([12, 12, 12, 12], await all.PullAsync<int>("exec_r_len"));
    }

    [Fact]
    public async Task Execute_ModifiesPushedListInPlace_PullSeesChange()
    {
        await Rc[1].PushAsync(new { exec_list = new List<int> { 1 } });
        await Rc[1].ExecuteAsync("exec_list.Add(2); exec_list.Add(3);");
        Assert.Equal([1, 2, 3], await Rc[1].PullAsync<List<int>>("exec_list"));
    }

    [Fact]
    public async Task Execute_OnOneEngine_OtherEnginesDoNotSeeVariable()
    {
        await Rc[..].PushAsync(new { exec_iso = 0 });
        await Rc[1].ExecuteAsync("exec_iso = 11; var exec_iso_new = 1;");

        Assert.Equal([0, 11, 0, 0], await Rc[..].PullAsync<int>("exec_iso"));
        var error = await Assert.ThrowsAsync<RemoteException>(async () => await Rc[2].PullAsync<int>("exec_iso_new"));
        Assert.Equal(2, error.EngineId);
    }

    [Fact]
    public async Task Execute_FinalExpression_MetadataExecuteResultHoldsItsText()
    {
        var result = Rc[..].ExecuteAsync("var exec_fe = 6;\nexec_fe * 7");
        await result;
        Assert.All(result.Metadata, m => Assert.Equal("42", m.ExecuteResult));

        var single = Rc[3].ExecuteAsync("\"text\" + exec_fe");
        await single;
        Assert.Equal("text6", Assert.Single(single.Metadata).ExecuteResult);
    }

    [Fact]
    public async Task Execute_NoFinalExpression_ExecuteResultNull()
    {
        var result = Rc[0].ExecuteAsync("var exec_nofe = 1;");
        await result;
        Assert.Null(Assert.Single(result.Metadata).ExecuteResult);
    }

    [Fact]
    public async Task Execute_ScriptLocalsInsideBlocks_DoNotStayInNamespace()
    {
        await Rc[0].ExecuteAsync("var exec_kept = 0; for (var exec_loop_i = 0; exec_loop_i < 3; exec_loop_i++) { var exec_inner = exec_loop_i; exec_kept += exec_inner; }");
        Assert.Equal(3, await Rc[0].PullAsync<int>("exec_kept"));
        var error = await Assert.ThrowsAsync<RemoteException>(async () => await Rc[0].PullAsync<int>("exec_inner"));
        Assert.Contains("'exec_inner'", error.RemoteMessage);
    }

    [Fact]
    public async Task Execute_AwaitInScript_RunsToCompletion()
    {
        await Rc[2].ExecuteAsync("await Task.Delay(20); var exec_awaited = 9;");
        Assert.Equal(9, await Rc[2].PullAsync<int>("exec_awaited"));
    }

    [Fact]
    public void ExecuteSync_AllAndOneEngine_ReturnAfterScriptRan()
    {
        Rc[..].ExecuteSync("var exec_sync = 3;");
        Assert.Equal([3, 3, 3, 3], Rc[..].PullSync<int>("exec_sync"));
        Rc[1].ExecuteSync("var exec_sync1 = 4;");
        Assert.Equal(4, Rc[1].PullSync<int>("exec_sync1"));
    }

    [Fact]
    public async Task Run_CsxFile_RunsOnEachEngine()
    {
        var path = Path.Combine(Path.GetTempPath(), $"run_{Guid.NewGuid():N}.csx");
        await File.WriteAllTextAsync(path, "var run_a = 3;\nvar run_b = run_a * 2;\nrun_b + 1\n");
        try
        {
            var result = Rc[..].RunAsync(path);
            await result;
            Assert.Equal([6, 6, 6, 6], await Rc[..].PullAsync<int>("run_b"));
            Assert.All(result.Metadata, m => Assert.Equal("7", m.ExecuteResult));

            Rc[2].RunSync(path);
            Assert.Equal(6, Rc[2].PullSync<int>("run_b"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Run_MissingFile_ThrowsFileNotFoundOnClient()
    {
        var path = Path.Combine(Path.GetTempPath(), $"missing_{Guid.NewGuid():N}.csx");
        var error = await ClusterAssert.RejectedOnClientAsync<FileNotFoundException>(Rc, () => Rc[..].RunAsync(path));
        Assert.Equal(path, error.FileName);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public async Task Execute_NullCode_ThrowsArgumentNullOnClient()
    {
        await ClusterAssert.RejectedOnClientAsync<ArgumentNullException>(Rc, () => Rc[..].ExecuteAsync(null!));
        await ClusterAssert.RejectedOnClientAsync<ArgumentNullException>(Rc, () => Rc[0].ExecuteAsync(null!));
    }

    [Fact]
    public async Task Execute_ScriptDeclaresLambda_LaterScriptCallsIt()
    {
        await Rc[0].ExecuteAsync("Func<int, int> exec_twice = v => v * 2;");
        await Rc[0].ExecuteAsync("var exec_twice_result = exec_twice(21);");
        Assert.Equal(42, await Rc[0].PullAsync<int>("exec_twice_result"));
    }

    [Fact]
    public async Task Execute_ScriptDeclaresAnonymousObject_LaterScriptReadsItsMembers()
    {
        await Rc[1].ExecuteAsync("var exec_anon = new { Name = \"n\", Size = 3 };");
        await Rc[1].ExecuteAsync("var exec_anon_size = exec_anon.Size;");
        Assert.Equal(3, await Rc[1].PullAsync<int>("exec_anon_size"));
    }

    [Fact]
    public async Task Execute_ScriptDeclaresClass_LaterScriptUsesInstance()
    {
        await Rc[2].ExecuteAsync("class ExecPoint { public int X; } var exec_point = new ExecPoint { X = 4 };");
        await Rc[2].ExecuteAsync("var exec_point_x = exec_point.X;");
        Assert.Equal(4, await Rc[2].PullAsync<int>("exec_point_x"));
    }

    [Fact]
    public async Task Execute_PushedVariableNamedLikePreludeGlobal_EngineStillRunsScripts()
    {
        await Rc[3].PushAsync(new { exec_before_odd = 1 });
        try
        {
            await Rc[3].PushAsync(new Dictionary<string, object?> { ["__ns__"] = 5 });
            await Rc[3].ExecuteAsync("var exec_after_odd = exec_before_odd + 1;");
            Assert.Equal(2, await Rc[3].PullAsync<int>("exec_after_odd"));
        }
        catch (ArgumentException)
        {
            // Refusing the reserved name on the client is fine too; then nothing reached the engine.
            await Rc[3].ExecuteAsync("var exec_after_odd = exec_before_odd + 1;");
            Assert.Equal(2, await Rc[3].PullAsync<int>("exec_after_odd"));
        }
        finally
        {
            await Rc[3].ClearAsync();
        }
    }

    /// <summary>
    /// A script's prelude declares only the namespace variables its text names; every way of naming
    /// one still reaches it: inside a lambda, a local function, a string interpolation, with
    /// <c>@</c>, in <c>nameof</c>, and assigned there.
    /// </summary>
    [Fact]
    public async Task Execute_VariablesNamedInLambdasInterpolationsAndVerbatim_AreSeenAndWritten()
    {
        var e = Rc[1];
        await e.PushAsync(new { exec_m_a = 3, exec_m_b = 4, exec_m_c = "c", exec_m_d = 10, exec_m_unrelated = 99 });
        await e.ExecuteAsync("""
            Func<int, int> exec_m_f = x => x * exec_m_a;
            int Twice() => 2 * @exec_m_b;
            var exec_m_out = $"{exec_m_f(2)}-{Twice()}-{exec_m_c}-{nameof(exec_m_d)}";
            exec_m_d = exec_m_d + 1;
            """);
        Assert.Equal("6-8-c-exec_m_d", await e.PullAsync<string>("exec_m_out"));
        Assert.Equal(11, await e.PullAsync<int>("exec_m_d"));
        Assert.Equal(99, await e.PullAsync<int>("exec_m_unrelated"));
    }

    /// <summary>
    /// An interactive session's lines: each declares a new variable with a new value. The first compiles;
    /// the next ones share its compiled script (taken out literals and names), keep their own names and
    /// values on every engine, and their metadata says where the time went.
    /// </summary>
    [Fact]
    public async Task Execute_NewVariableLines_CompiledOnce_EachKeepsItsNameAndValue()
    {
        var all = Rc[..];
        // A value of a script-declared type (left by another test) would make each line continue that
        // engine's own chain, compiled per engine: start from empty namespaces.
        await all.ClearAsync();
        var first = all.ExecuteAsync("var exec_line_0 = 100;");
        await first;
        for (var i = 1; i <= 5; i++)
        {
            var line = all.ExecuteAsync($"var exec_line_{i} = {100 + i};");
            await line;
            Assert.All(line.Metadata, m =>
            {
                var timings = Assert.IsType<Orleans.Parallel.Engine.ExecuteTimings>(m.Timings);
                Assert.False(timings.Compiled, "a line differing only in a literal and a new name was compiled again");
                Assert.Equal(0, timings.EmitMs);
            });
        }
        for (var i = 0; i <= 5; i++) Assert.Equal([100 + i, 100 + i, 100 + i, 100 + i], await all.PullAsync<int>($"exec_line_{i}"));
        var names = await Rc[0].KeysAsync();
        Assert.DoesNotContain(names, n => n.StartsWith("__ns", StringComparison.Ordinal));

        // A line that must compile says so, with each phase timed.
        var compiled = Rc[0].ExecuteAsync("var exec_line_c = exec_line_1 + 1; exec_line_c += 7;");
        await compiled;
        var metadata = Assert.Single(compiled.Metadata);
        Assert.True(metadata.Timings!.Compiled);
        Assert.True(metadata.Timings.DeclareMs > 0 && metadata.Timings.EmitMs > 0 && metadata.Timings.RunMs > 0, metadata.Timings.ToString());
        Assert.Equal(109, await Rc[0].PullAsync<int>("exec_line_c"));

        // Apply is no script: no timings.
        var apply = Rc[0].ApplyAsync(() => 1);
        await apply;
        Assert.Null(Assert.Single(apply.Metadata).Timings);
    }
}
