namespace Orleans.Parallel.Bulk;

/// <summary>
/// Sits between a bulk connection's <see cref="System.Net.Security.SslStream"/> and its socket, so that
/// TLS records (16 KB each) reach the socket in large writes and leave it in large reads: TLS alone made
/// one send and one receive per record, 65,000 of each per GiB. Reads and writes have buffers of their
/// own (the connection is duplex). Nothing is held back until <see cref="Coalesce"/> is on, so a TLS
/// handshake passes straight through; after that the protocol flushes at the end of every frame it sends.
/// </summary>
public sealed class CoalescingStream(Stream inner) : PassThroughStream(inner)
{
    /// <summary>Bytes gathered before a write reaches the socket, and the most one read asks of it (each buffer is taken at its first use).</summary>
    public const int BufferSize = 256 * 1024;

    private byte[]? _writeBuffer;
    private byte[]? _readBuffer;
    private byte[] _write => _writeBuffer ??= GC.AllocateUninitializedArray<byte>(BufferSize);
    private byte[] _read => _readBuffer ??= GC.AllocateUninitializedArray<byte>(BufferSize);
    private int _written;
    private int _readStart;
    private int _readEnd;

    /// <summary>Whether writes are gathered (after the TLS handshake); before, each goes straight through.</summary>
    public bool Coalesce { get; set; }

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        if (_readStart == _readEnd)
        {
            if (buffer.Length >= BufferSize) return Inner.Read(buffer);
            (_readStart, _readEnd) = (0, Inner.Read(_read));
        }
        return TakeRead(buffer);
    }

    /// <inheritdoc />
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_readStart == _readEnd)
        {
            if (buffer.Length >= BufferSize) return await Inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            (_readStart, _readEnd) = (0, await Inner.ReadAsync(_read, cancellationToken).ConfigureAwait(false));
        }
        return TakeRead(buffer.Span);
    }

    private int TakeRead(Span<byte> buffer)
    {
        var count = Math.Min(buffer.Length, _readEnd - _readStart);
        _read.AsSpan(_readStart, count).CopyTo(buffer);
        _readStart += count;
        return count;
    }

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (!Coalesce)
        {
            Inner.Write(buffer);
            return;
        }
        while (!buffer.IsEmpty)
        {
            var count = Math.Min(buffer.Length, BufferSize - _written);
            buffer[..count].CopyTo(_write.AsSpan(_written));
            _written += count;
            buffer = buffer[count..];
            if (_written == BufferSize) Flush();
        }
    }

    /// <inheritdoc />
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!Coalesce)
        {
            await Inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            return;
        }
        while (!buffer.IsEmpty)
        {
            var count = Math.Min(buffer.Length, BufferSize - _written);
            buffer[..count].CopyTo(_write.AsMemory(_written));
            _written += count;
            buffer = buffer[count..];
            if (_written == BufferSize) await FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public override void Flush()
    {
        if (_written == 0) return;
        Inner.Write(_write, 0, _written);
        _written = 0;
    }

    /// <inheritdoc />
    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_written == 0) return;
        await Inner.WriteAsync(_write.AsMemory(0, _written), cancellationToken).ConfigureAwait(false);
        _written = 0;
    }
}
