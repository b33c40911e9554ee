using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Parallel.Engine;
using Orleans.Parallel.Grains.Bulk;
using Orleans.Parallel.Grains.Isolation.Protocol;
using Orleans.Serialization;
using TaskStatus = Orleans.Parallel.Engine.TaskStatus;

namespace Orleans.Parallel.Tests.Isolation;

/// <summary>
/// The silo reads an isolated engine's large results after handing their frame over, so the client's
/// download overlaps their copy out of the process (<see cref="FrameChannel.Receive(long, out FrameChannel.ArrivingArrays?)"/>,
/// <see cref="ArrayArrival"/>): over a real Unix socket pair, what comes whole, what arrives later, and
/// what a process that ends part way leaves.
/// </summary>
public sealed class ArrivingArraysTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"op-arriving-{Guid.NewGuid():N}.sock");
    private readonly FrameChannel _process, _silo;

    public ArrivingArraysTests()
    {
        var serializer = new ServiceCollection()
            .AddSerializer(b => b.AddAssembly(typeof(EngineTask).Assembly).AddAssembly(typeof(Frame).Assembly))
            .BuildServiceProvider().GetRequiredService<Serializer>();
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(_path));
        listener.Listen(1);
        var connecting = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        connecting.Connect(new UnixDomainSocketEndPoint(_path));
        _process = new FrameChannel(connecting, serializer);
        _silo = new FrameChannel(listener.Accept(), serializer);
    }

    public void Dispose()
    {
        _process.Dispose();
        _silo.Dispose();
        File.Delete(_path);
    }

    private static double[] Doubles(int bytes, int seed)
    {
        var random = new Random(seed);
        var data = new double[bytes / sizeof(double)];
        for (var i = 0; i < data.Length; i++) data[i] = random.NextDouble();
        return data;
    }

    private static DoneFrame Done(object? result, bool several) =>
        new(new TaskReply(Guid.NewGuid(), 0, TaskStatus.Ok, result, null, DateTime.UtcNow, DateTime.UtcNow, "", "", null), several);

    /// <summary>Sends from another thread: a send blocks until the other side reads, as the process's does.</summary>
    private Task SendAsync(Frame frame) => Task.Factory.StartNew(() => _process.Send(frame), TaskCreationOptions.LongRunning);

    [Fact]
    public async Task DoneFrame_ItsLastLargeArraysAreHandedOverBeforeTheirBytes_ThenFilled()
    {
        var small = Doubles(64 * 1024, 1); // travels after the frame, but under LeastArriving: whole
        var large = Doubles(4 << 20, 2);
        var last = Doubles(2 << 20, 3);
        var sending = SendAsync(Done(new object?[] { small, large, "text", last }, several: true));

        var frame = Assert.IsType<DoneFrame>(_silo.Receive(FrameChannel.LeastArriving, out var arriving));

        var values = Assert.IsType<object?[]>(frame.Reply.Result);
        Assert.Equal(small, (double[])values[0]!);
        Assert.Null(ArrayArrival.Of((double[])values[0]!));
        Assert.Equal("text", values[2]);
        Assert.NotNull(arriving);
        var (first, second) = (ArrayArrival.Of((double[])values[1]!), ArrayArrival.Of((double[])values[3]!));
        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.False(sending.IsCompleted); // the process still sends their bytes

        Assert.True(arriving!.Fill());

        await sending.WaitAsync(Patience);
        Assert.Equal(large, (double[])values[1]!);
        Assert.Equal(last, (double[])values[3]!);
        Assert.Null(ArrayArrival.Of((double[])values[1]!)); // whole: no longer arriving
        Assert.Equal(large.Length * 8L, await first!.MoreThanAsync(0, CancellationToken.None));
        Assert.True(second!.WaitAll());
    }

    [Fact]
    public async Task LargeArrayBeforeASmallOne_ComesWhole_AsDoesEveryArrayReceivedWhole()
    {
        var large = Doubles(2 << 20, 4);
        var small = Doubles(32 * 1024, 5);
        var sending = SendAsync(Done(new object?[] { large, small }, several: true));

        // Only a run of large arrays at the end may arrive later: here the last one is small.
        var frame = Assert.IsType<DoneFrame>(_silo.Receive(FrameChannel.LeastArriving, out var arriving));

        Assert.Null(arriving);
        var values = Assert.IsType<object?[]>(frame.Reply.Result);
        Assert.Equal(large, (double[])values[0]!);
        Assert.Equal(small, (double[])values[1]!);
        await sending.WaitAsync(Patience);

        // Nor one under the size asked for (the silo's: over what its task records copy).
        sending = SendAsync(Done(large, several: false));
        Assert.Equal(large, (double[])Assert.IsType<DoneFrame>(_silo.Receive(3 << 20, out arriving)).Reply.Result!);
        Assert.Null(arriving);
        await sending.WaitAsync(Patience);

        // And the whole receive (the process's side, reading its tasks) never hands over early.
        sending = SendAsync(Done(large, several: false));
        Assert.Equal(large, (double[])Assert.IsType<DoneFrame>(_silo.Receive()).Reply.Result!);
        await sending.WaitAsync(Patience);
    }

    [Fact]
    public async Task ProcessEndsPartWay_TheArrivalFailsSayingHowMuchCame_AndTheChannelReportsItsEnd()
    {
        var large = Doubles(64 << 20, 6); // far more than the socket holds: the process is still sending when it ends
        var sending = SendAsync(Done(large, several: false));
        var frame = Assert.IsType<DoneFrame>(_silo.Receive(FrameChannel.LeastArriving, out var arriving));
        var array = (double[])frame.Reply.Result!;
        var arrival = ArrayArrival.Of(array)!;
        var waiting = arrival.MoreThanAsync(array.Length * 8L - 1, CancellationToken.None).AsTask(); // for the last byte

        _process.Dispose(); // the process ends (its socket closes) in the middle of the array
        await Assert.ThrowsAnyAsync<Exception>(() => sending.WaitAsync(Patience));

        Assert.False(arriving!.Fill());
        var error = await Assert.ThrowsAsync<IOException>(() => waiting.WaitAsync(Patience));
        Assert.Contains("ended after sending", error.Message);
        Assert.Contains($"{array.Length * 8L:N0} bytes", error.Message);
        Assert.False(arrival.WaitAll());
        Assert.Same(arrival, ArrayArrival.Of(array)); // still known, as failed: never sent as if whole
        Assert.Null(_silo.Receive(FrameChannel.LeastArriving, out _)); // the reader then learns the process is gone
    }
}
