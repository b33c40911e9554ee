using System.Runtime;

namespace Orleans.Parallel.Bulk;

/// <summary>
/// Lets the GC free dead large arrays before a large one is received, so that the new array takes
/// their memory, which this process has already mapped, instead of fresh pages. Fresh memory costs a
/// page fault per page on first write: 2.6 s per GiB on the 2-core VM these figures come from (a C
/// program that only touches a new 1 GiB mapping measures the same), so a receipt into fresh memory
/// cannot pass about 400 MB/s there, while the socket itself delivers 3,000 MB/s into mapped memory.
/// A replaced namespace value or a dropped pulled array is such a dead array, and the GC, left to
/// itself, often allocates the next one before it collects them. One blocking full collection
/// (not compacting) costs a few ms against the hundreds of ms the faults would cost, and a large
/// allocation would usually trigger one anyway. Measured with 1 GiB arrays: repeated pulls 2,490–2,960
/// MB/s (230–265 before); repeated pushes 2,160–2,860 MB/s with one GC heap, while a silo's server GC
/// with two heaps sometimes hands back a region partly unmapped (540–600 MB/s in two runs of three).
/// </summary>
internal static class Reclaim
{
    /// <summary>Receipts from this size on collect first: below it the faults cost less than a full collection may.</summary>
    public const long From = 256L * 1024 * 1024;

    public static void BeforeReceiving(long byteLength)
    {
        if (byteLength < From) return;
        // An app that asked the GC to avoid blocking collections keeps that promise.
        if (GCSettings.LatencyMode is GCLatencyMode.LowLatency or GCLatencyMode.SustainedLowLatency or GCLatencyMode.NoGCRegion) return;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: false);
    }
}
