using System.Runtime.InteropServices;

namespace Orleans.Parallel.Bulk;

/// <summary>
/// Has Linux map a fresh large array's pages in one call before a socket fills it. Receiving into
/// fresh memory is bound by page faults, one trap per 4 KB page (about 1,300 MB/s here between two
/// processes); populating the range first (<c>MADV_POPULATE_WRITE</c>, Linux 5.14+) measured
/// 1,500–1,850 MB/s. Elsewhere, or where the kernel refuses, nothing happens and the faults come as
/// before. (Transparent huge pages were measured too: faster within one process, slower between two.)
/// </summary>
internal static class Prefault
{
    private const int MadvPopulateWrite = 23;
    private const long Page = 4096;
    private static bool _unsupported = !OperatingSystem.IsLinux();

    /// <summary>Maps the pages of <paramref name="length"/> bytes from <paramref name="start"/> (within an array pinned by the caller).</summary>
    public static unsafe void Populate(byte* start, long length)
    {
        if (_unsupported) return;
        var first = ((long)start + Page - 1) & ~(Page - 1);
        var last = ((long)start + length) & ~(Page - 1);
        try
        {
            if (last > first && Madvise((nint)first, (nuint)(last - first), MadvPopulateWrite) != 0) _unsupported = true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _unsupported = true;
        }
    }

    /// <summary>Maps the pages of a whole array.</summary>
    public static unsafe void Populate(Array array)
    {
        if (_unsupported) return;
        // Pinned only to read the address: large arrays live on the large object heap, which the GC
        // does not compact by default; were the array moved, only speed would suffer.
        using var bytes = new PinnedArrayBytes(array);
        Populate(bytes.Start, bytes.Length);
    }

    [DllImport("libc", EntryPoint = "madvise")]
    private static extern int Madvise(nint address, nuint length, int advice);
}
