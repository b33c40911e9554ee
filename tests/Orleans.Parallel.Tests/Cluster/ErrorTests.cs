using Orleans.Parallel.Errors;
using Orleans.Parallel.Views;
using TaskStatus = Orleans.Parallel.Engine.TaskStatus;

namespace Orleans.Parallel.Tests.Cluster;

/// <summary>Remote errors: user exceptions, compile errors, unknown names; the engine stays usable after each.</summary>
[Collection(ClusterCollection.Name)]
public class ErrorTests(ClusterFixture fixture)
{
    private ParallelClient Rc => fixture.Client;

    /// <summary>An exception type of the user's own assembly.</summary>
    public sealed class CustomBoomException(string message) : Exception(message);

    private static int Explode(int x) => throw new InvalidOperationException($"boom {x}");

    /// <summary>Every engine still runs scripts and pulls after an error.</summary>
    private async Task AssertEnginesWorkAsync(string name)
    {
        await Rc[..].ExecuteAsync($"var {name} = 40 + 2;");
        Assert.Equal([42, 42, 42, 42], await Rc[..].PullAsync<int>(name));
    }

    [Fact]
    public async Task Apply_UserExceptionOnOneEngine_RemoteExceptionWithEngineTypeMessageAndStack()
    {
        var result = Rc[0].ApplyAsync(Explode, 7);

        var error = await Assert.ThrowsAsync<RemoteException>(async () => await result);

        Assert.Equal(0, error.EngineId);
        Assert.Equal(result.MsgIds[0], error.MsgId);
        Assert.Equal("System.InvalidOperationException", error.RemoteType);
        Assert.Equal("boom 7", error.RemoteMessage);
        Assert.False(string.IsNullOrWhiteSpace(error.RemoteStackTrace));
        Assert.Contains(nameof(Explode), error.RemoteStackTrace);
        Assert.Equal("[engine 0] System.InvalidOperationException: boom 7", error.Message);
        Assert.Empty(error.Diagnostics);
        await AssertEnginesWorkAsync("err_after_apply");
    }

    [Fact]
    public async Task Apply_UserExceptionType_RemoteTypeIsFullName()
    {
        var error = await Assert.ThrowsAsync<RemoteException>(async () =>
            await Rc[1].ApplyAsync((string m) => m.Length > 0 ? throw new CustomBoomException(m) : 0, "custom"));

        Assert.Equal(typeof(CustomBoomException).FullName, error.RemoteType);
        Assert.Equal("Orleans.Parallel.Tests.Cluster.ErrorTests+CustomBoomException", error.RemoteType);
        Assert.Equal("custom", error.RemoteMessage);
        Assert.Equal(1, error.EngineId);
    }

    [Fact]
    public async Task Apply_ExceptionWithInner_RemoteStackIncludesInner()
    {
        var error = await Assert.ThrowsAsync<RemoteException>(async () =>
            await Rc[3].ApplyAsync((int x) => x > 0 ? throw new InvalidOperationException("outer", new ArgumentException("inner cause")) : x, 1));

        Assert.Equal("outer", error.RemoteMessage);
        Assert.Contains("System.ArgumentException: inner cause", error.RemoteStackTrace);
    }

    [Fact]
    public async Task Apply_UserExceptionOnEveryEngine_CompositeExceptionListsEachEngine()
    {
        var result = Rc[..].ApplyAsync(Explode, 3);

        var error = await Assert.ThrowsAsync<CompositeException>(async () => await result);

        Assert.Equal(4, error.Errors.Count);
        var remotes = error.Errors.Select(e => Assert.IsType<RemoteException>(e)).ToArray();
        Assert.Equal([0, 1, 2, 3], remotes.Select(e => e.EngineId));
        // Each error once in the message (AggregateException's own would repeat every inner message).
        Assert.All(remotes, e => Assert.Equal(1, error.Message.Split(e.Message).Length - 1));
        Assert.Equal(result.MsgIds, remotes.Select(e => e.MsgId));
        Assert.All(remotes, e =>
        {
            Assert.Equal("System.InvalidOperationException", e.RemoteType);
            Assert.Equal("boom 3", e.RemoteMessage);
            Assert.False(string.IsNullOrWhiteSpace(e.RemoteStackTrace));
        });
        for (var id = 0; id < 4; id++)
            Assert.Contains($"[engine {id}] System.InvalidOperationException: boom 3", error.Message);
        await AssertEnginesWorkAsync("err_after_composite");
    }

    [Fact]
    public async Task Apply_ExceptionOnSomeEngines_CompositeListsOnlyThoseAndOthersSucceed()
    {
        foreach (var id in Rc.Ids) await Rc[id].PushAsync(new { err_some = id });
        var result = Rc[..].ApplyAsync((int id) => id % 2 == 1 ? throw new ArithmeticException($"odd {id}") : id, new Reference<int>("err_some"));

        var error = await Assert.ThrowsAsync<CompositeException>(async () => await result);

        Assert.Equal([1, 3], error.Errors.Cast<RemoteException>().Select(e => e.EngineId));
        Assert.Equal(["odd 1", "odd 3"], error.Errors.Cast<RemoteException>().Select(e => e.RemoteMessage));
        Assert.Equal([TaskStatus.Ok, TaskStatus.Error, TaskStatus.Ok, TaskStatus.Error], result.Metadata.Select(m => m.Status));
    }

    [Fact]
    public async Task Execute_CompileError_RemoteExceptionWithLineAndColumn()
    {
        var code = "var err_ok = 1;\n    err_undefined_call();";

        var error = await Assert.ThrowsAsync<RemoteException>(async () => await Rc[2].ExecuteAsync(code));

        Assert.Equal(2, error.EngineId);
        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal("CS0103", diagnostic.Id);
        Assert.Equal("Error", diagnostic.Severity);
        Assert.Equal(2, diagnostic.Line);
        Assert.Equal(5, diagnostic.Column);
        Assert.Contains("err_undefined_call", diagnostic.Message);
        Assert.Contains("(2,5)", error.RemoteMessage);
        Assert.Contains("err_undefined_call", error.RemoteMessage);
        await AssertEnginesWorkAsync("err_after_compile");
    }

    [Fact]
    public async Task Execute_CompileErrorOnFirstLine_PositionsRelativeToSubmittedCode()
    {
        await Rc[..].PushAsync(new { err_pushed_before = 1 });

        var error = await Assert.ThrowsAsync<RemoteException>(async () => await Rc[0].ExecuteAsync("int err_bad = \"text\";"));

        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal("CS0029", diagnostic.Id);
        Assert.Equal(1, diagnostic.Line);
        Assert.Equal(15, diagnostic.Column);
    }

    [Fact]
    public async Task Execute_SeveralCompileErrors_AllReported()
    {
        var error = await Assert.ThrowsAsync<RemoteException>(async () =>
            await Rc[1].ExecuteAsync("err_nope1();\nvar err_x = err_nope2;"));

        Assert.Equal([(1, 1), (2, 13)], error.Diagnostics.Select(d => (d.Line, d.Column)).Order());
        Assert.All(error.Diagnostics, d => Assert.Equal("CS0103", d.Id));
        Assert.Contains(error.Diagnostics, d => d.Message.Contains("err_nope1"));
        Assert.Contains(error.Diagnostics, d => d.Message.Contains("err_nope2"));
    }

    [Fact]
    public async Task Execute_SeveralCompileErrors_ReportedInSourceOrder()
    {
        var error = await Assert.ThrowsAsync<RemoteException>(async () =>
            await Rc[1].ExecuteAsync("err_first1();\nvar err_y = err_second2;"));

        Assert.Equal([(1, 1), (2, 13)], error.Diagnostics.Select(d => (d.Line, d.Column)));
        Assert.True(error.RemoteMessage.IndexOf("(1,1)", StringComparison.Ordinal) < error.RemoteMessage.IndexOf("(2,13)", StringComparison.Ordinal),
            error.RemoteMessage);
    }

    [Fact]
    public async Task Execute_CompileErrorOnAllEngines_CompositeWithDiagnosticsEach()
    {
        var error = await Assert.ThrowsAsync<CompositeException>(async () => await Rc[..].ExecuteAsync("var err_semi = 1"));

        Assert.Equal([0, 1, 2, 3], error.Errors.Cast<RemoteException>().Select(e => e.EngineId));
        Assert.All(error.Errors.Cast<RemoteException>(), e =>
        {
            var d = Assert.Single(e.Diagnostics);
            Assert.Equal("CS1002", d.Id);
            Assert.Equal((1, 17), (d.Line, d.Column));
        });
        await AssertEnginesWorkAsync("err_after_semi");
    }

    [Fact]
    public async Task Execute_FailedCompile_DeclaresNothing()
    {
        await Assert.ThrowsAsync<RemoteException>(async () => await Rc[3].ExecuteAsync("var err_half = 1; err_missing_fn();"));
        var error = await Assert.ThrowsAsync<RemoteException>(async () => await Rc[3].PullAsync<int>("err_half"));
        Assert.Contains("'err_half'", error.RemoteMessage);
    }

    [Fact]
    public async Task Execute_RuntimeException_RemoteExceptionWithTypeAndMessage()
    {
        var error = await Assert.ThrowsAsync<RemoteException>(async () =>
            await Rc[1].ExecuteAsync("var err_rt = 1;\nthrow new InvalidOperationException(\"script boom\");"));

        Assert.Equal(1, error.EngineId);
        Assert.Equal("System.InvalidOperationException", error.RemoteType);
        Assert.Equal("script boom", error.RemoteMessage);
        Assert.False(string.IsNullOrWhiteSpace(error.RemoteStackTrace));
        Assert.Empty(error.Diagnostics);
        await AssertEnginesWorkAsync("err_after_runtime");
    }

    [Fact]
    public async Task Pull_UnknownName_RemoteExceptionNamingVariable()
    {
        var error = await Assert.ThrowsAsync<RemoteException>(async () => await Rc[2].PullAsync<int>("err_never_defined"));

        Assert.Equal(2, error.EngineId);
        Assert.Contains("'err_never_defined'", error.RemoteMessage);
        Assert.Contains("err_never_defined", error.Message);
        await AssertEnginesWorkAsync("err_after_pull");
    }

    [Fact]
    public async Task Pull_UnknownNameOnAllEngines_CompositeNamingVariableForEach()
    {
        var error = await Assert.ThrowsAsync<CompositeException>(async () => await Rc[..].PullAsync<int>("err_nowhere"));
        Assert.Equal([0, 1, 2, 3], error.Errors.Cast<RemoteException>().Select(e => e.EngineId));
        Assert.All(error.Errors.Cast<RemoteException>(), e => Assert.Contains("'err_nowhere'", e.RemoteMessage));
    }

    [Fact]
    public async Task Pull_SeveralNamesOneUnknown_RemoteExceptionNamingTheMissingOne()
    {
        await Rc[0].PushAsync(new { err_known = 1 });
        var error = await Assert.ThrowsAsync<RemoteException>(async () => await Rc[0].PullAsync(["err_known", "err_unknown"]));
        Assert.Contains("'err_unknown'", error.RemoteMessage);
        Assert.DoesNotContain("'err_known'", error.RemoteMessage);
    }

    [Fact]
    public async Task Apply_ReferenceToUnknownName_RemoteExceptionNamingVariable()
    {
        var error = await Assert.ThrowsAsync<RemoteException>(async () =>
            await Rc[1].ApplyAsync((int[] x) => x.Length, new Reference<int[]>("err_no_such_ref")));

        Assert.Equal(1, error.EngineId);
        Assert.Contains("'err_no_such_ref'", error.RemoteMessage);
        await AssertEnginesWorkAsync("err_after_ref");
    }

    [Fact]
    public async Task Apply_ReferenceOfWrongType_RemoteExceptionNamingVariableAndTypes()
    {
        await Rc[0].PushAsync(new { err_wrong_type = "not a number" });

        var error = await Assert.ThrowsAsync<RemoteException>(async () =>
            await Rc[0].ApplyAsync((int x) => x + 1, new Reference<int>("err_wrong_type")));

        Assert.Contains("'err_wrong_type'", error.RemoteMessage);
        Assert.Contains("System.String", error.RemoteMessage);
        Assert.Contains("System.Int32", error.RemoteMessage);
        Assert.Equal(2, await Rc[0].ApplyAsync((int x) => x + 1, 1));
    }

    [Fact]
    public async Task Apply_ReferenceToNullIntoValueType_RemoteExceptionNamingVariable()
    {
        await Rc[3].PushAsync(new Dictionary<string, object?> { ["err_null_ref"] = null });

        var error = await Assert.ThrowsAsync<RemoteException>(async () =>
            await Rc[3].ApplyAsync((int x) => x, new Reference<int>("err_null_ref")));

        Assert.Contains("'err_null_ref'", error.RemoteMessage);
    }

    [Fact]
    public async Task Apply_ManyFailuresInARow_EnginesStillWork()
    {
        var failures = Enumerable.Range(0, 5).Select(i => Rc[..].ApplyAsync(Explode, i)).ToArray();
        foreach (var failure in failures)
            Assert.True(await failure.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.All(failures, f => Assert.False(f.Successful));
        await AssertEnginesWorkAsync("err_after_many");
    }

    [Fact]
    public async Task Pull_ValueThatCannotTravel_RemoteErrorNamingTypeAndEngineStillWorks()
    {
        await Rc[2].ExecuteAsync("var err_stream = new System.IO.MemoryStream(new byte[] { 1, 2 });");

        var error = await Assert.ThrowsAsync<RemoteException>(async () => await Rc[2].PullAsync<object>("err_stream"));

        Assert.Equal(2, error.EngineId);
        Assert.Contains("System.IO.MemoryStream", error.RemoteMessage);
        await Rc[2].ExecuteAsync("var err_stream_len = (int)err_stream.Length;");
        Assert.Equal(2, await Rc[2].PullAsync<int>("err_stream_len"));
    }
}
