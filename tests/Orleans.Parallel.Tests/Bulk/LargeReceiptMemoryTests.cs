using System.Runtime.CompilerServices;
using Orleans.Parallel.Bulk;

namespace Orleans.Parallel.Tests.Bulk;

/// <summary>
/// A large array received in bulk takes the memory of large arrays that died before it (a replaced
/// namespace value, a dropped pulled array) rather than fresh pages, whose first writes cost a page
/// fault each (2.6 s per GiB on the 2-core VM of the benchmark, where repeated 1 GiB pulls went from
/// 230–265 MB/s to 2,490–2,960 MB/s once they reused memory).
/// </summary>
public sealed class LargeReceiptMemoryTests
{
    private const long Size = 256L * 1024 * 1024;

    /// <summary>
    /// The dead array is collected before the new one is allocated, so its memory is free for it.
    /// (Which free region the GC then picks is its own choice: with several heaps, and other tests
    /// allocating beside this one, not always the dead array's, so the test checks the collection.)
    /// </summary>
    [Fact]
    public void LargeReceipt_CollectsTheLargeArraysThatDiedFirst()
    {
        var dead = DeadArray();
        var received = BulkProtocol.Allocate(typeof(double), Size);
        Assert.False(dead.IsAlive, "The dead 256 MiB array was still uncollected when the next large receipt allocated its array.");
        GC.KeepAlive(received);
    }

    /// <summary>Receives an array, writes to it as the socket would, and lets it die.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference DeadArray()
    {
        var array = (double[])BulkProtocol.Allocate(typeof(double), Size);
        array.AsSpan().Fill(1.5);
        return new WeakReference(array);
    }
}
