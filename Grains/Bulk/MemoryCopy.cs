using Orleans.Parallel.Wire;

namespace Orleans.Parallel.Grains.Bulk;

/// <summary>A primitive memory value leaving an engine: its elements copied, since it may be a window on a namespace array the next task changes.</summary>
internal static class MemoryCopy
{
    public static (Array Copy, bool ReadOnly) Of(object memory)
    {
        var (whole, offset, length) = MemoryValue.Segment(memory);
        var copy = Array.CreateInstance(whole.GetType().GetElementType()!, length);
        Array.Copy(whole, offset, copy, 0, length);
        return (copy, memory.GetType().GetGenericTypeDefinition() == typeof(ReadOnlyMemory<>));
    }
}
