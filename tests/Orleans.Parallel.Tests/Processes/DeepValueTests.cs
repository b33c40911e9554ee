using Orleans.Parallel.Errors;
using Orleans.Parallel.Testing;
using Orleans.Parallel.Wire;

namespace Orleans.Parallel.Tests.Processes;

/// <summary>
/// A value nested 100,000 levels deep is an error for that one call or task, with the silo and the
/// client alive: refused on the client before it is sent (a push, an argument, a capture), and on the
/// engine before it answers (a result, a pull) or checkpoints it. Once, each of these overflowed a
/// stack and took a process down. A real silo process, so a silo that died would show as one.
/// </summary>
public sealed class DeepValueTests
{
    private const int Deep = 100_000;
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    /// <summary><paramref name="levels"/> arrays, each holding the next; the innermost holds a number.</summary>
    private static object Nested(int levels)
    {
        object value = 1;
        for (var i = 0; i < levels; i++) value = new object[] { value };
        return value;
    }

    [Fact]
    public async Task DeepValues_FailTheirCallOrTask_SiloAndClientLive()
    {
        await using var silo = await SiloProcess.StartAsync(2, Patience);
        await using var rc = await ParallelClient.ConnectAsync(silo.ClientOptions);
        await rc.WaitForEnginesAsync(2, Patience);
        var deep = Nested(Deep);

        // Client side: nothing is sent.
        Assert.Contains($"at most {ValueDepth.Limit} levels", Assert.Throws<ValueTooDeepException>(() => rc[..].PushAsync(new { deep_push = deep })).Message);
        Assert.Throws<ValueTooDeepException>(() => rc[0].ApplyAsync((object v) => v.GetHashCode(), deep));
        Assert.Throws<ValueTooDeepException>(() => rc[0].ApplyAsync(() => deep.GetHashCode()));

        // Engine side: a result, a pull, a checkpoint.
        var result = await Assert.ThrowsAsync<RemoteException>(() => rc[0].ApplyAsync(() =>
        {
            object value = 1;
            for (var i = 1; i < 100_000; i++) value = new object[] { value };
            return value;
        }).AsTask().WaitAsync(Patience));
        Assert.Contains(nameof(ValueTooDeepException), result.Message);
        await rc[1].ExecuteAsync("object deep_ns = 1; for (var i = 1; i < 100_000; i++) deep_ns = new object[] { deep_ns }; var fine = 5;").AsTask().WaitAsync(Patience);
        var pull = await Assert.ThrowsAsync<RemoteException>(() => rc[1].PullAsync<object>("deep_ns").AsTask().WaitAsync(Patience));
        Assert.Contains("nests more than", pull.Message);
        var checkpoint = await rc[1].CheckpointAsync().AsTask().WaitAsync(Patience);
        Assert.Contains("nests more than", checkpoint.NotSaved["deep_ns"]);
        Assert.Contains("fine", checkpoint.Saved);

        // As deep as allowed travels both ways.
        var allowed = Nested(ValueDepth.Limit);
        await rc[0].PushAsync(new { deep_allowed = allowed }).AsTask().WaitAsync(Patience);
        var back = await rc[0].PullAsync<object>("deep_allowed").AsTask().WaitAsync(Patience);
        var levels = 0;
        for (var v = back; v is object[] inner; v = inner[0]) levels++;
        Assert.Equal(ValueDepth.Limit, levels);

        Assert.False(silo.HasExited, silo.Output);
        Assert.Equal([7, 7], await rc[..].ApplyAsync(() => 7).AsTask().WaitAsync(Patience));
        Assert.Equal(5, await rc[1].PullAsync<int>("fine"));
        Assert.Equal(0, await silo.StopAsync());
    }
}
