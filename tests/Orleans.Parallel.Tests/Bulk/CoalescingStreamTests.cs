using Orleans.Parallel.Bulk;

namespace Orleans.Parallel.Tests.Bulk;

/// <summary>The layer under a bulk connection's TLS: writes pass through until told to gather, then reach the socket in large pieces and at each flush; reads are served in full.</summary>
public sealed class CoalescingStreamTests
{
    [Fact]
    public async Task Writes_PassThroughBeforeCoalesce_ThenWaitForAFlushOrAFullBuffer()
    {
        var inner = new MemoryStream();
        var stream = new CoalescingStream(inner);
        stream.Write([1, 2, 3]);
        Assert.Equal(3, inner.Length); // the handshake's writes are not held back

        stream.Coalesce = true;
        stream.Write(new byte[100]);
        await stream.WriteAsync(new byte[50]);
        Assert.Equal(3, inner.Length);
        await stream.FlushAsync();
        Assert.Equal(153, inner.Length);

        var large = Enumerable.Range(0, CoalescingStream.BufferSize * 2 + 10).Select(i => (byte)i).ToArray();
        stream.Write(large);
        Assert.Equal(153 + 2L * CoalescingStream.BufferSize, inner.Length); // whole buffers go at once
        stream.Flush();
        Assert.Equal(large, inner.ToArray()[153..]);
        stream.Flush();
        Assert.Equal(153 + large.Length, inner.Length); // nothing more to flush
    }

    [Fact]
    public async Task Reads_ReturnEveryByteInOrder_WhateverTheReadSizes()
    {
        var data = Enumerable.Range(0, 3 * CoalescingStream.BufferSize + 123).Select(i => (byte)(i * 7)).ToArray();
        var stream = new CoalescingStream(new MemoryStream(data));
        var back = new List<byte>();
        var sizes = new[] { 1, 5, 16 * 1024, CoalescingStream.BufferSize, 3, CoalescingStream.BufferSize * 2 };
        for (var i = 0; ; i++)
        {
            var buffer = new byte[sizes[i % sizes.Length]];
            var read = i % 2 == 0 ? stream.Read(buffer) : await stream.ReadAsync(buffer);
            if (read == 0) break;
            back.AddRange(buffer.AsSpan(0, read).ToArray());
        }
        Assert.Equal(data, back);
    }
}
