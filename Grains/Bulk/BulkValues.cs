using Orleans.Parallel.Bulk;
using Orleans.Parallel.Grains.Code;
using Orleans.Parallel.Wire;

namespace Orleans.Parallel.Grains.Bulk;

/// <summary>
/// Turns wire values into engine values and back: large primitive arrays come from the
/// <see cref="BulkInbox"/> and go out through the <see cref="BulkOutbox"/>; small ones ride in the
/// message as <see cref="PackedArray"/>; everything else is left to Orleans.
/// </summary>
public sealed class BulkValues(
    BulkInbox inbox,
    BulkOutbox outbox,
    BulkServer server,
    SessionCodeRegistry code,
    Orleans.Serialization.Serializer serializer) : IWireValues
{
    /// <summary>The value a wire value stands for. Blocks while a bulk array is still arriving: call on an engine thread.</summary>
    public object? Receive(object? wire) => wire switch
    {
        BulkRef bulk => Checked(inbox.Take(bulk.Token), bulk),
        PackedArray packed => PackedArray.Unpack(packed),
        UserValue { Data: BulkRef bulk } user => user with { Data = Checked(inbox.Take(bulk.Token), bulk) },
        MemoryValue memory => MemoryValue.Wrap((Array)Receive(memory.Data)!, memory.ReadOnly),
        _ => wire,
    };

    private static Array Checked(Array array, BulkRef bulk) =>
        array.GetType().GetElementType()!.FullName == bulk.ElementType && BulkProtocol.ByteLength(array) == bulk.ByteLength
            ? array
            : throw new InvalidDataException($"Bulk data {bulk.Token} is not the {bulk.ByteLength} bytes of {bulk.ElementType} announced.");

    /// <summary>
    /// The wire form of a result value. A large array is offered for the client to fetch; the task
    /// that completes once it has been read is added to <paramref name="sending"/>.
    /// </summary>
    public object? Offer(object? value, Guid session, ref List<Task>? sending)
    {
        if (value is Array array && BulkProtocol.IsBulkArray(array.GetType()))
            return BulkProtocol.ByteLength(array) < BulkProtocol.Threshold ? PackedArray.Pack(array) : OfferArray(array, session, ref sending);
        if (value is MemoryValue { Data: Array elements } memory) return memory with { Data = Offer(elements, session, ref sending)! }; // from an isolated engine's process
        if (value is not null && MemoryValue.IsPrimitiveMemory(value.GetType()))
        {
            var (copy, readOnly) = MemoryCopy.Of(value);
            return new MemoryValue(Offer(copy, session, ref sending)!, readOnly);
        }
        // A user value written by an isolated engine's process: its text goes in bulk when large.
        if (value is UserValue { Data: byte[] text } written)
            return text.Length < BulkProtocol.Threshold ? written : written with { Data = OfferArray(text, session, ref sending) };
        if (OrleansCarriage.Carries(serializer, value)) return value;
        // The user's own types (or collections holding them): written whole by the session's codec.
        var data = code.CodecFor(session).Write(value!);
        return new UserValue(value!.GetType().FullName ?? value.GetType().Name, [],
            data.Length < BulkProtocol.Threshold ? data : OfferArray(data, session, ref sending));
    }

    private BulkRef OfferArray(Array array, Guid session, ref List<Task>? sending)
    {
        var (token, offered) = outbox.Offer(array, session);
        (sending ??= []).Add(offered.Sent);
        return new BulkRef(token, array.GetType().GetElementType()!.FullName!, BulkProtocol.ByteLength(array), server.Endpoint);
    }
}
