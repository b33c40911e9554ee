using Orleans.Parallel.Errors;
using Orleans.Parallel.Views;
using TaskStatus = Orleans.Parallel.Engine.TaskStatus;

namespace Orleans.Parallel.Tests.Cluster;

/// <summary>What user code writes to Console.Out and Console.Error lands in its own task's metadata.</summary>
[Collection(ClusterCollection.Name)]
public class OutputCaptureTests(ClusterFixture fixture)
{
    private ParallelClient Rc => fixture.Client;

    [Fact]
    public async Task Apply_ConsoleWriteAndError_CapturedInMetadata()
    {
        var result = Rc[2].ApplyAsync((int x) =>
        {
            Console.Write("out:");
            Console.WriteLine(x);
            Console.Error.Write("err:" + x);
            return x;
        }, 5);
        Assert.Equal(5, await result);

        var metadata = Assert.Single(result.Metadata);
        Assert.Equal("out:5" + Environment.NewLine, metadata.Stdout);
        Assert.Equal("err:5", metadata.Stderr);
        Assert.Equal(["out:5" + Environment.NewLine], result.Stdout);
        Assert.Equal(["err:5"], result.Stderr);
    }

    [Fact]
    public async Task Execute_ConsoleWriteLine_CapturedPerEngine()
    {
        var result = Rc[..].ExecuteAsync("Console.WriteLine(\"line one\"); Console.Out.Write('!'); Console.Error.WriteLine(\"oops\");");
        await result;

        Assert.All(result.Metadata, m =>
        {
            Assert.Equal("line one" + Environment.NewLine + "!", m.Stdout);
            Assert.Equal("oops" + Environment.NewLine, m.Stderr);
        });
    }

    [Fact]
    public async Task Output_EachTaskGetsOnlyItsOwn_NotEarlierTasks()
    {
        var first = Rc[1].ExecuteAsync("Console.Write(\"first\");");
        var second = Rc[1].ExecuteAsync("Console.Write(\"second\");");
        var silent = Rc[1].ExecuteAsync("var oc_silent = 1;");
        await first;
        await second;
        await silent;

        Assert.Equal("first", Assert.Single(first.Metadata).Stdout);
        Assert.Equal("second", Assert.Single(second.Metadata).Stdout);
        Assert.Equal("", Assert.Single(silent.Metadata).Stdout);
        Assert.Equal("", Assert.Single(silent.Metadata).Stderr);
    }

    [Fact]
    public async Task Output_AllEnginesWritingConcurrently_NeverMixed()
    {
        const int Repeats = 3000;
        foreach (var id in Rc.Ids) await Rc[id].PushAsync(new { oc_tag = $"<{id}>", oc_etag = $"[{id}]" });

        var result = Rc[..].ApplyAsync((string tag, string errorTag) =>
        {
            for (var i = 0; i < Repeats; i++)
            {
                Console.Write(tag);
                Console.Error.Write(errorTag);
                if (i % 64 == 0) Thread.Yield();
            }
            return tag;
        }, new Reference<string>("oc_tag"), new Reference<string>("oc_etag"));
        Assert.Equal(["<0>", "<1>", "<2>", "<3>"], await result);

        for (var id = 0; id < 4; id++)
        {
            var metadata = result.Metadata[id];
            Assert.Equal(id, metadata.EngineId);
            Assert.Equal(string.Concat(Enumerable.Repeat($"<{id}>", Repeats)), metadata.Stdout);
            Assert.Equal(string.Concat(Enumerable.Repeat($"[{id}]", Repeats)), metadata.Stderr);
        }
    }

    [Fact]
    public async Task Output_AsyncFunctionAcrossAwaits_StaysWithItsTask()
    {
        foreach (var id in Rc.Ids) await Rc[id].PushAsync(new { oc_async = id });
        Func<int, Task<int>> work = async id =>
        {
            Console.Write($"a{id}");
            await Task.Delay(20);
            Console.Write($"b{id}");
            await Task.Yield();
            Console.Write($"c{id}");
            return id;
        };

        var result = Rc[..].ApplyAsync(work, new Reference<int>("oc_async"));
        Assert.True(await result.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(result.Successful);

        Assert.Equal(["a0b0c0", "a1b1c1", "a2b2c2", "a3b3c3"], result.Stdout);
    }

    [Fact]
    public async Task Output_FailingTask_KeepsWhatItWroteBeforeFailing()
    {
        var result = Rc[0].ApplyAsync((int x) =>
        {
            Console.Write("before failure");
            Console.Error.Write("complaint");
            return x > 0 ? throw new InvalidOperationException("oc boom") : x;
        }, 1);

        await Assert.ThrowsAsync<RemoteException>(async () => await result);
        var metadata = Assert.Single(result.Metadata);
        Assert.Equal(TaskStatus.Error, metadata.Status);
        Assert.Equal("before failure", metadata.Stdout);
        Assert.Equal("complaint", metadata.Stderr);
    }

    [Fact]
    public async Task Output_FailingScript_KeepsWhatItWroteBeforeFailing()
    {
        var result = Rc[3].ExecuteAsync("Console.Write(\"partial\"); throw new Exception(\"oc script\");");
        Assert.True(await result.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("partial", Assert.Single(result.Metadata).Stdout);
    }

    [Fact]
    public async Task Output_MapTask_CapturesEveryItemsOutputInOrder()
    {
        var result = Rc[..].MapAsync((int i) => { Console.Write($"{i};"); return i; }, Enumerable.Range(0, 10));
        await result;
        Assert.Equal(["0;1;2;", "3;4;5;", "6;7;", "8;9;"], result.Stdout);
    }

    [Fact]
    public async Task Output_FromTasksAndParallelLoopsTheTaskStarts_CapturedInThatTask()
    {
        var result = Rc[1].ApplyAsync((int n) =>
        {
            Task.Run(() => Console.Write("<run>")).GetAwaiter().GetResult();
            System.Threading.Tasks.Parallel.For(0, n, i => Console.Error.Write("x"));
            return n;
        }, 8);
        Assert.Equal(8, await result);

        Assert.Equal("<run>", result.Metadata[0].Stdout);
        Assert.Equal("xxxxxxxx", result.Metadata[0].Stderr);
    }
}
