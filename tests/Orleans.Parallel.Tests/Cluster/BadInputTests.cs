using System.Collections;

namespace Orleans.Parallel.Tests.Cluster;

/// <summary>Bad input fails on the client, before anything is sent, with an argument error that says what is wrong.</summary>
[Collection(ClusterCollection.Name)]
public class BadInputTests(ClusterFixture fixture)
{
    private ParallelClient Rc => fixture.Client;

    private static readonly TimeSpan Negative = TimeSpan.FromSeconds(-2);

    [Fact]
    public async Task Push_NullValues_ThrowsArgumentNull()
    {
        await ClusterAssert.RejectedOnClientAsync<ArgumentNullException>(Rc, () => Rc[..].PushAsync(null!));
        await ClusterAssert.RejectedOnClientAsync<ArgumentNullException>(Rc, () => Rc[0].PushAsync(null!));
    }

    [Fact]
    public async Task Push_EmptyName_ThrowsArgumentException()
    {
        var error = await ClusterAssert.RejectedOnClientAsync<ArgumentException>(Rc,
            () => Rc[..].PushAsync(new Dictionary<string, object?> { ["bad_ok"] = 1, [""] = 2 }));
        Assert.Contains("empty", error.Message);
        await ClusterAssert.RejectedOnClientAsync<ArgumentException>(Rc, () => Rc[2].PushAsync(new Dictionary<string, object?> { [""] = 2 }));
        Assert.Throws<ArgumentException>(() => Rc[..][""] = 1);
    }

    [Fact]
    public async Task Push_NullName_ThrowsArgumentException()
    {
        var pairs = new List<KeyValuePair<string, object?>> { new(null!, 1) };
        var error = await ClusterAssert.RejectedOnClientAsync<ArgumentException>(Rc, () => Rc[..].PushAsync(pairs), exact: false);
        Assert.Contains("null", error.Message);
        Assert.ThrowsAny<ArgumentException>(() => Rc[1][null!] = 1);
    }

    [Theory]
    [InlineData("1st")]
    [InlineData("two words")]
    [InlineData("dash-ed")]
    public async Task Push_NameNotAnIdentifier_ThrowsArgumentExceptionNamingIt(string name)
    {
        var error = await ClusterAssert.RejectedOnClientAsync<ArgumentException>(Rc,
            () => Rc[..].PushAsync(new Dictionary<string, object?> { [name] = 1 }));
        Assert.Contains($"'{name}'", error.Message);
    }

    [Fact]
    public async Task Push_EmptyDictionary_ThrowsArgumentException()
    {
        var error = await ClusterAssert.RejectedOnClientAsync<ArgumentException>(Rc, () => Rc[..].PushAsync(new Dictionary<string, object?>()));
        Assert.Contains("Nothing to push", error.Message);
        Assert.Equal("values", error.ParamName);
    }

    [Fact]
    public async Task Push_ObjectWithoutProperties_ThrowsArgumentException()
    {
        var error = await ClusterAssert.RejectedOnClientAsync<ArgumentException>(Rc, () => Rc[..].PushAsync(new object()));
        Assert.Contains("Nothing to push", error.Message);
    }

    [Fact]
    public async Task Push_NonStringKey_ThrowsArgumentException()
    {
        var error = await ClusterAssert.RejectedOnClientAsync<ArgumentException>(Rc, () => Rc[..].PushAsync(new Hashtable { [1] = "one" }));
        Assert.Contains("Int32", error.Message);
    }

    [Fact]
    public async Task Push_StreamValue_ThrowsArgumentExceptionNamingVariableAndType()
    {
        using var stream = new MemoryStream();
        var error = await ClusterAssert.RejectedOnClientAsync<ArgumentException>(Rc, () => Rc[..].PushAsync(new { bad_stream = stream }));
        Assert.Contains("bad_stream", error.Message);
        Assert.Contains("System.IO.MemoryStream", error.Message);
    }

    [Fact]
    public async Task Pull_NullOrEmptyName_ThrowsArgumentException()
    {
        await ClusterAssert.RejectedOnClientAsync<ArgumentException>(Rc, () => Rc[..].PullAsync<int>(""));
        await ClusterAssert.RejectedOnClientAsync<ArgumentException>(Rc, () => Rc[..].PullAsync<int>(null!), exact: false);
        await ClusterAssert.RejectedOnClientAsync<ArgumentException>(Rc, () => Rc[0].PullAsync<int>(""));
        await ClusterAssert.RejectedOnClientAsync<ArgumentException>(Rc, () => Rc[..].PullAsync(["bad_fine", ""]));
        Assert.Throws<ArgumentException>(() => Rc[..][""]);
    }

    [Fact]
    public async Task Pull_NoNames_ThrowsArgumentException()
    {
        var error = await ClusterAssert.RejectedOnClientAsync<ArgumentException>(Rc, () => Rc[..].PullAsync(Array.Empty<string>()));
        Assert.Equal("names", error.ParamName);
        await ClusterAssert.RejectedOnClientAsync<ArgumentNullException>(Rc, () => Rc[3].PullAsync((IReadOnlyList<string>)null!));
    }

    [Fact]
    public async Task Indexer_NoEngineIds_ThrowsArgumentExceptionBeforeAnythingIsSent()
    {
        var error = await ClusterAssert.RejectedOnClientAsync<ArgumentException>(Rc, () => Rc[Array.Empty<int>()]);
        Assert.Equal("engineIds", error.ParamName);
        await ClusterAssert.RejectedOnClientAsync<ArgumentException>(Rc, () => Rc[..].With(targets: []));
        await ClusterAssert.RejectedOnClientAsync<ArgumentNullException>(Rc, () => Rc[(IEnumerable<int>)null!]);
    }

    [Fact]
    public async Task ResultWaits_NegativeTimeout_ThrowArgumentOutOfRange()
    {
        var result = Rc[0].ApplyAsync((int x) => x, 1);
        await result;

        Assert.Equal("timeout", Assert.Throws<ArgumentOutOfRangeException>(() => result.Get(Negative)).ParamName);
        Assert.Equal("timeout", Assert.Throws<ArgumentOutOfRangeException>(() => result.Wait(Negative)).ParamName);
        Assert.Equal("timeout", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => result.WaitAsync(Negative))).ParamName);
        var plain = Rc[..].ExecuteAsync("var bad_timeout = 1;");
        await plain;
        Assert.Throws<ArgumentOutOfRangeException>(() => plain.Get(Negative));
    }

    [Fact]
    public async Task ClientAndViewWaits_NegativeTimeout_ThrowArgumentOutOfRange()
    {
        Assert.Equal("timeout", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Rc.WaitForEnginesAsync(1, Negative))).ParamName);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Rc.WaitAsync(Negative));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Rc[..].WaitAsync(Negative));
        Assert.Throws<ArgumentOutOfRangeException>(() => Rc[..].Wait(Negative));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Rc[2].WaitAsync(Negative));
    }

    [Fact]
    public async Task WaitForEnginesAsync_NegativeCount_ThrowsArgumentOutOfRange()
    {
        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Rc.WaitForEnginesAsync(-1, TimeSpan.FromSeconds(1)));
        Assert.Equal("count", error.ParamName);
    }

    [Fact]
    public async Task Apply_TooManyArguments_ThrowsArgumentException()
    {
        Func<int, int> inc = x => x + 1;
        var error = await ClusterAssert.RejectedOnClientAsync<ArgumentException>(Rc, () => Rc[..].ApplyAsync(inc, 1, 2));
        Assert.Contains("1 argument(s) but 2 were given", error.Message);
        await ClusterAssert.RejectedOnClientAsync<ArgumentException>(Rc, () => Rc[1].ApplyAsync(inc, 1, 2));
    }

    [Fact]
    public async Task Apply_TooFewArguments_ThrowsArgumentException()
    {
        Func<int, int, int> add = (a, b) => a + b;
        var error = await ClusterAssert.RejectedOnClientAsync<ArgumentException>(Rc, () => Rc[..].ApplyAsync(add, 1));
        Assert.Contains("2 argument(s) but 1 were given", error.Message);
        await ClusterAssert.RejectedOnClientAsync<ArgumentException>(Rc, () => Rc[0].ApplyAsync((Delegate)add));
    }

    [Fact]
    public async Task Apply_NullFunction_ThrowsArgumentNull()
    {
        await ClusterAssert.RejectedOnClientAsync<ArgumentNullException>(Rc, () => Rc[..].ApplyAsync((Func<int, int>)null!, 1));
        await ClusterAssert.RejectedOnClientAsync<ArgumentNullException>(Rc, () => Rc[0].ApplyAsync((Delegate)null!));
    }

    [Fact]
    public async Task Apply_CapturesStream_ThrowsArgumentExceptionNamingFieldAndType()
    {
        using var bad_stream = new MemoryStream([1, 2, 3]);
        var error = await ClusterAssert.RejectedOnClientAsync<ArgumentException>(Rc,
            () => Rc[..].ApplyAsync((int x) => bad_stream.Length + x, 1));
        Assert.Contains("bad_stream", error.Message);
        Assert.Contains("System.IO.MemoryStream", error.Message);
    }

    [Fact]
    public async Task Apply_CapturesTask_ThrowsArgumentExceptionNamingFieldAndType()
    {
        var bad_task = Task.FromResult(3);
        var error = await ClusterAssert.RejectedOnClientAsync<ArgumentException>(Rc,
            () => Rc[0].ApplyAsync((int x) => bad_task.IsCompleted ? x : 0, 1));
        Assert.Contains("bad_task", error.Message);
        Assert.Contains("System.Threading.Tasks.Task", error.Message);
    }

    [Fact]
    public async Task Apply_CapturesClient_ThrowsArgumentExceptionNamingFieldAndType()
    {
        var bad_client = Rc;
        var error = await ClusterAssert.RejectedOnClientAsync<ArgumentException>(Rc,
            () => bad_client[..].ApplyAsync((int x) => bad_client.Ids.Count + x, 1));
        Assert.Contains("bad_client", error.Message);
        Assert.Contains("Orleans.Parallel.ParallelClient", error.Message);
    }

    [Fact]
    public async Task Apply_CapturesCancellationTokenSource_ThrowsArgumentException()
    {
        using var bad_cts = new CancellationTokenSource();
        var error = await ClusterAssert.RejectedOnClientAsync<ArgumentException>(Rc,
            () => Rc[2].ApplyAsync((int x) => bad_cts.IsCancellationRequested ? 0 : x, 1));
        Assert.Contains("bad_cts", error.Message);
        Assert.Contains("CancellationTokenSource", error.Message);
    }

    [Fact]
    public async Task Apply_StreamArgument_ThrowsArgumentExceptionNamingArgument()
    {
        using var stream = new MemoryStream();
        var error = await ClusterAssert.RejectedOnClientAsync<ArgumentException>(Rc,
            () => Rc[..].ApplyAsync((Stream s) => s.Length, stream));
        Assert.Contains("argument 0", error.Message);
        Assert.Contains("System.IO.MemoryStream", error.Message);
    }

    [Fact]
    public async Task Apply_MulticastDelegate_ThrowsArgumentException()
    {
        Func<int, int> first = x => x;
        Func<int, int> both = first + (x => x * 2);
        var error = await ClusterAssert.RejectedOnClientAsync<ArgumentException>(Rc, () => Rc[..].ApplyAsync(both, 1));
        Assert.Contains("multicast", error.Message);
    }

    [Fact]
    public async Task Map_CapturesStream_ThrowsArgumentException()
    {
        using var bad_map_stream = new MemoryStream();
        var error = await ClusterAssert.RejectedOnClientAsync<ArgumentException>(Rc,
            () => Rc[..].MapAsync((int x) => bad_map_stream.Length + x, [1, 2, 3]));
        Assert.Contains("bad_map_stream", error.Message);
    }
}
