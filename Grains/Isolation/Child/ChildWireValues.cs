using Orleans.Parallel.Bulk;
using Orleans.Parallel.Grains.Bulk;
using Orleans.Parallel.Grains.Code;
using Orleans.Parallel.Wire;

namespace Orleans.Parallel.Grains.Isolation.Child;

/// <summary>
/// Wire values inside an engine process. The silo has received the request's bulk arrays already,
/// so they arrive whole; results leave whole too (the silo packs or offers them), except the user's
/// own types, which only this process can write: the session's codec writes them here.
/// </summary>
internal sealed class ChildWireValues(SessionCodeRegistry code, Orleans.Serialization.Serializer serializer) : IWireValues
{
    public object? Receive(object? wire) => wire switch
    {
        PackedArray packed => PackedArray.Unpack(packed),
        MemoryValue memory => MemoryValue.Wrap((Array)Receive(memory.Data)!, memory.ReadOnly),
        _ => wire,
    };

    public object? Offer(object? value, Guid session, ref List<Task>? sending)
    {
        if (value is Array array && BulkProtocol.IsBulkArray(array.GetType())) return array;
        if (value is not null && MemoryValue.IsPrimitiveMemory(value.GetType())) {
            var (copy, readOnly) = MemoryCopy.Of(value);
            return new MemoryValue(copy, readOnly);
        }
        if (OrleansCarriage.Carries(serializer, value)) return value;
        return new UserValue(value!.GetType().FullName ?? value.GetType().Name, [], code.CodecFor(session).Write(value));
    }
}
