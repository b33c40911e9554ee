using Orleans.Parallel.Grains.Hub;

namespace Orleans.Parallel.Tests.Hub;

/// <summary>The recorder's event buffer: many writers, one reader taking while they write, nothing lost or taken twice.</summary>
public sealed class StripedBufferTests
{
    [Fact]
    public async Task ConcurrentWriters_ReaderTakingMeanwhile_EveryItemTakenOnce_InEachWritersOrder()
    {
        const int Writers = 6, PerWriter = 50_000;
        var buffer = new StripedBuffer<(int Writer, int Seq)>(4);
        var taken = new List<(int Writer, int Seq)>();
        using var done = new CancellationTokenSource();
        var reader = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                buffer.TakeAll(taken, static (list, in item) => list.Add(item));
                await Task.Yield();
            }
        });
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < PerWriter; i++) buffer.Add((w, i));
        })));
        await done.CancelAsync();
        await reader;
        buffer.TakeAll(taken, static (list, in item) => list.Add(item));

        Assert.Equal(0, buffer.Count);
        Assert.Equal(Writers * PerWriter, taken.Count);
        foreach (var group in taken.GroupBy(t => t.Writer))
            Assert.Equal(Enumerable.Range(0, PerWriter), group.Select(t => t.Seq).Order());
        // A writer stays on one thread here, so its items come out in the order it added them.
        Assert.All(taken.GroupBy(t => t.Writer), g => Assert.Equal(g.Select(t => t.Seq).Order(), g.Select(t => t.Seq)));
    }
}
