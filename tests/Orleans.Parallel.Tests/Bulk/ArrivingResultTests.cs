using Microsoft.Extensions.DependencyInjection;
using Orleans.Parallel.Bulk;
using Orleans.Parallel.Grains.Bulk;
using Orleans.Parallel.Tests.Cluster;

namespace Orleans.Parallel.Tests.Bulk;

/// <summary>
/// A result still arriving from an isolated engine's process is offered before its last byte
/// (<see cref="ArrayArrival"/>): the silo's bulk listener sends each part once it is in, and a client
/// whose result stops coming is told so, with the next transfer unharmed. Driven through a real silo's
/// outbox and listener and the client's own bulk connection, with the arrival in the test's hands.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ArrivingResultTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private (BulkOutbox Outbox, BulkEndpoint Endpoint) Silo()
    {
        var services = fixture.Cluster.Silos[0].SiloHost.Services;
        return (services.GetRequiredService<BulkOutbox>(), services.GetRequiredService<BulkServer>().Endpoint);
    }

    private static byte[] Bytes(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    /// <summary>An array offered while its bytes are still to come, as the silo offers an isolated engine's result.</summary>
    private (BulkRef Ref, byte[] Array, ArrayArrival Arrival) OfferArriving(int length)
    {
        var (outbox, endpoint) = Silo();
        var array = new byte[length];
        var arrival = ArrayArrival.Begin(array, length);
        var (token, _) = outbox.Offer(array, Guid.NewGuid());
        return (new BulkRef(token, typeof(byte).FullName!, length, endpoint), array, arrival);
    }

    [Fact]
    public async Task ArrivingResult_IsSentPartByPart_AndArrivesWhole()
    {
        var data = Bytes(8 << 20, 1);
        var (bulk, array, arrival) = OfferArriving(data.Length);

        var fetching = fixture.Client.Bulk.FetchAsync(bulk);
        data.AsSpan(0, 3 << 20).CopyTo(array);
        arrival.Arrived(3 << 20);
        await Task.Delay(300);
        Assert.False(fetching.IsCompleted); // five MiB are still to come

        data.AsSpan(3 << 20).CopyTo(array.AsSpan(3 << 20));
        arrival.Arrived(data.Length);

        Assert.Equal(data, (byte[])await fetching.WaitAsync(Patience));
    }

    [Fact]
    public async Task ResultThatStopsComing_FailsItsFetchSayingSo_AndTheNextFetchWorks()
    {
        var (bulk, array, arrival) = OfferArriving(4 << 20);
        var fetching = fixture.Client.Bulk.FetchAsync(bulk);
        arrival.Arrived(1 << 20);

        arrival.Fail(new EndOfStreamException("The engine's process closed its socket."));

        var error = await Assert.ThrowsAsync<IOException>(() => fetching.WaitAsync(Patience));
        Assert.Contains("stopped sending result", error.Message);
        Assert.Contains("Run the task again", error.Message);
        // The silo and the client's other transfers carry on.
        var next = Bytes(1 << 20, 2);
        Assert.Equal(next, await fixture.Client[0].ApplyAsync((byte[] b) => b, next).AsTask().WaitAsync(Patience));
    }

    [Fact]
    public async Task Peek_WaitsForTheLastByte_AsTheTaskRecorderCopiesWhatItKeeps()
    {
        var data = Bytes(2 << 20, 3);
        var (bulk, array, arrival) = OfferArriving(data.Length);
        var outbox = Silo().Outbox;

        var peeking = Task.Run(() => outbox.Peek(bulk.Token));
        data.AsSpan(0, 1 << 20).CopyTo(array);
        arrival.Arrived(1 << 20);
        await Task.Delay(200);
        Assert.False(peeking.IsCompleted);
        data.AsSpan(1 << 20).CopyTo(array.AsSpan(1 << 20));
        arrival.Arrived(data.Length);

        Assert.Equal(data, (byte[])(await peeking.WaitAsync(Patience))!);

        // One whose bytes stopped coming is not there to copy.
        var (stopped, _, stopping) = OfferArriving(2 << 20);
        stopping.Fail(new EndOfStreamException("gone"));
        Assert.Null(outbox.Peek(stopped.Token));
        Assert.NotNull(outbox.Claim(bulk.Token)); // (the offers are withdrawn, as a fetch would)
        Assert.NotNull(outbox.Claim(stopped.Token));
    }
}
