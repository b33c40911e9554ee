using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Orleans.Parallel.Bulk;
using Orleans.Parallel.Registry;
using Orleans.Parallel.Views;

namespace Orleans.Parallel.Tests.Cluster;

/// <summary>
/// Arrays large enough for the bulk path (at least <see cref="BulkProtocol.Threshold"/> bytes): they
/// travel beside Orleans, straight between sockets and arrays, and must arrive whole, per engine,
/// in every primitive element type, and in every operation that carries values.
/// </summary>
[Collection(ClusterCollection.Name)]
public class BulkTransferTests(ClusterFixture fixture)
{
    private ParallelClient Rc => fixture.Client;

    private static double[] Doubles(int n, int seed)
    {
        var random = new Random(seed);
        var data = new double[n];
        for (var i = 0; i < data.Length; i++) data[i] = random.NextDouble();
        return data;
    }

    [Fact]
    public async Task PushPull_LargeArray_RoundTripsOnEveryEngine()
    {
        var data = Doubles(1_000_000, 1);
        await Rc[..].PushAsync(new { bt_big = data });

        var back = await Rc[..].PullAsync<double[]>("bt_big");
        Assert.Equal(ClusterFixture.EngineCount, back.Count);
        foreach (var copy in back)
        {
            Assert.NotSame(data, copy);
            Assert.True(copy.AsSpan().SequenceEqual(data));
        }
    }

    [Fact]
    public async Task Push_LargeArray_EachEngineHasItsOwnCopy()
    {
        var data = new int[200_000];
        await Rc[..].PushAsync(new { bt_own = data });
        await Rc[0].ExecuteAsync("bt_own[7] = 42;");
        data[8] = 99; // the client's array, after the push has ended, is no engine's array

        var back = await Rc[..].PullAsync<int[]>("bt_own");
        Assert.Equal(42, back[0][7]);
        Assert.All(back.Skip(1), copy => Assert.Equal(0, copy[7]));
        Assert.All(back, copy => Assert.Equal(0, copy[8]));
    }

    public static TheoryData<Array> EveryElementType()
    {
        const int n = 300_000; // over the threshold for every element size
        var random = new Random(3);
        var bytes = new byte[n * 8];
        random.NextBytes(bytes);
        return
        [
            bytes.Take(n).Select(b => b % 2 == 0).ToArray(),
            bytes.Take(n).ToArray(),
            bytes.Take(n).Select(b => unchecked((sbyte)b)).ToArray(),
            Enumerable.Range(0, n).Select(i => (char)(i % 60000)).ToArray(),
            Enumerable.Range(0, n).Select(i => (short)(i - 30000)).ToArray(),
            Enumerable.Range(0, n).Select(i => (ushort)i).ToArray(),
            Enumerable.Range(0, n).Select(i => i * -7).ToArray(),
            Enumerable.Range(0, n).Select(i => (uint)i * 3u).ToArray(),
            Enumerable.Range(0, n).Select(i => (long)i << 33).ToArray(),
            Enumerable.Range(0, n).Select(i => ulong.MaxValue - (ulong)i).ToArray(),
            Enumerable.Range(0, n).Select(i => i / 3f).ToArray(),
            Enumerable.Range(0, n).Select(i => BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(i * 8)))).ToArray(),
        ];
    }

    [Theory]
    [MemberData(nameof(EveryElementType))]
    public async Task PushPull_EveryPrimitiveElementType_RoundTripsExactly(Array data)
    {
        Assert.True(Buffer.ByteLength(data) >= BulkProtocol.Threshold);
        await Rc[1].PushAsync(new Dictionary<string, object?> { ["bt_typed"] = data });

        var back = (await Rc[1].PullAsync("bt_typed"))!;
        Assert.Equal(data.GetType(), back.GetType());
        Assert.Equal(data.Cast<object>(), ((Array)back).Cast<object>());
    }

    [Fact]
    public async Task Pull_SeveralNames_MixesBulkAndSmallValues()
    {
        var big = Doubles(100_000, 4);
        await Rc[2].PushAsync(new { bt_mixed_big = big, bt_mixed_small = new[] { 1, 2 }, bt_mixed_text = "t" });

        var back = await Rc[2].PullAsync(["bt_mixed_big", "bt_mixed_small", "bt_mixed_text"]);
        Assert.Equal(big, (double[])back["bt_mixed_big"]!);
        Assert.Equal(new[] { 1, 2 }, (int[])back["bt_mixed_small"]!);
        Assert.Equal("t", back["bt_mixed_text"]);
    }

    [Fact]
    public async Task Pull_SeveralLargeNames_AmongSmallOnes_EachArrivesWhole()
    {
        // Megabytes each: from an isolated engine the last run of them is read while the client downloads it.
        var (first, second, third) = (Doubles(300_000, 9), Doubles(200_000, 10), Doubles(150_000, 11));
        await Rc[3].PushAsync(new { bt_many_a = first, bt_many_n = 7, bt_many_b = second, bt_many_c = third });

        var back = await Rc[3].PullAsync(["bt_many_a", "bt_many_n", "bt_many_b", "bt_many_c"]);
        Assert.Equal(first, (double[])back["bt_many_a"]!);
        Assert.Equal(7, back["bt_many_n"]);
        Assert.Equal(second, (double[])back["bt_many_b"]!);
        Assert.Equal(third, (double[])back["bt_many_c"]!);
        Assert.Equal(second, await Rc[3].PullAsync<double[]>("bt_many_b")); // and again, on its own
    }

    [Fact]
    public async Task LargeResult_KeptByTheHub_IsWholeForAnotherClient()
    {
        var data = Doubles(400_000, 12); // 3.2 MB: offered in bulk, under the hub's limit of kept bytes
        var ar = Rc[1].ApplyAsync((double[] x) => x, data);
        Assert.Equal(data, await ar);
        await using var other = await ParallelClient.FromClusterClientAsync(fixture.Cluster.Client);

        var again = await other.GetResultAsync<double[]>(ar.MsgIds[0]);

        Assert.Equal(data, await again);
    }

    [Fact]
    public async Task ScatterGather_LargeArray_SendsEachBlockFromTheArray()
    {
        var data = Enumerable.Range(0, 1_000_003).ToArray();
        await Rc[..].ScatterAsync("bt_scatter", data);

        var lengths = await Rc[..].ApplyAsync((int[] block) => block.Length, new Reference<int[]>("bt_scatter"));
        Assert.Equal([250_001, 250_001, 250_001, 250_000], lengths);
        Assert.Equal(data, await Rc[..].GatherAsync<int>("bt_scatter"));
    }

    [Fact]
    public async Task ApplyAndMap_LargeArgumentsAndResults_TravelInBulk()
    {
        var data = Doubles(300_000, 5);
        var doubled = await Rc[3].ApplyAsync((double[] x) => x.Select(v => v * 2).ToArray(), data);
        Assert.Equal(data.Select(v => v * 2), doubled);

        var squares = await Rc[..].MapAsync((double v) => v * v, data);
        Assert.Equal(data.Select(v => v * v), squares);
    }

    [Fact]
    public async Task Track_PushToBusyEngine_SentLongBeforeReady()
    {
        var busy = Rc[0].ExecuteAsync("System.Threading.Thread.Sleep(1500);");
        var data = Doubles(200_000, 6);

        var push = Rc[0].With(track: true).PushAsync(new { bt_tracked = data });
        Assert.True(push.Tracked);
        Assert.True(await push.WaitForSendAsync(TimeSpan.FromSeconds(1)), "the array should be sent while the engine is still busy");
        Assert.True(push.Sent);
        Assert.False(push.Ready);

        await busy;
        await push;
        Assert.Equal(data, await Rc[0].PullAsync<double[]>("bt_tracked"));
    }

    [Fact]
    public async Task Track_NotSet_SentThrowsAndNamesTheFlag()
    {
        var push = Rc[0].PushAsync(new { bt_untracked = 1 });
        Assert.False(push.Tracked);
        var error = Assert.Throws<InvalidOperationException>(() => push.Sent);
        Assert.Contains("Track", error.Message);
        await push;
    }

    [Fact]
    public async Task Track_ValueHeldByReference_SentOnceDelivered()
    {
        var push = Rc[..].With(track: true).PushAsync(new { bt_list = new List<int> { 1, 2, 3 } });
        Assert.True(await push.WaitForSendAsync(TimeSpan.FromSeconds(10)));
        await push;
        Assert.True(push.Sent);
    }

    [Fact]
    public async Task BulkListener_WrongKey_IsRejectedAndClusterKeepsWorking()
    {
        var directory = await fixture.Cluster.Client.GetGrain<IEngineRegistryGrain>(0).GetEnginesAsync();
        var endpoint = directory.Engines[0].Bulk!;

        using (var socket = new Socket(SocketType.Stream, ProtocolType.Tcp))
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Parse(endpoint.Host), endpoint.Port));
            var hello = new byte[4 + BulkProtocol.KeyLength];
            BinaryPrimitives.WriteUInt32LittleEndian(hello, BulkProtocol.Magic);
            await socket.SendAsync(hello); // all-zero key
            var answer = new byte[1];
            socket.ReceiveTimeout = 10_000;
            Assert.Equal(0, socket.Receive(answer)); // closed without a word
        }

        var data = Doubles(100_000, 7);
        await Rc[0].PushAsync(new { bt_after_reject = data });
        Assert.Equal(data, await Rc[0].PullAsync<double[]>("bt_after_reject"));
    }

    [Fact]
    public async Task PushPull_MemoryOfPrimitives_TravelsAsBytesAndComesBackAsMemory()
    {
        var backing = Doubles(400_000, 8);
        var window = new Memory<double>(backing, 1_000, 300_000); // bulk-sized, not starting at 0
        var small = new ReadOnlyMemory<int>([1, 2, 3, 4], 1, 2);
        await Rc[1].PushAsync(new { bt_window = window, bt_small = small });

        var back = await Rc[1].PullAsync<Memory<double>>("bt_window");
        Assert.True(back.Span.SequenceEqual(window.Span));
        Assert.Equal(new[] { 2, 3 }, (await Rc[1].PullAsync<ReadOnlyMemory<int>>("bt_small")).ToArray());
        Assert.Equal(300_000, await Rc[1].ApplyAsync((Memory<double> m) => m.Length, new Reference<Memory<double>>("bt_window")));
        Assert.Equal(window.Span[5], await Rc[1].ApplyAsync((Memory<double> m) => m.Span[5], window));
        await Rc[1].ExecuteAsync("var bt_first = bt_window.Span[0];");
        Assert.Equal(backing[1_000], await Rc[1].PullAsync<double>("bt_first"));
    }
}
