using Orleans.Parallel.Bulk;
using Orleans.Parallel.Engine;
using Orleans.Parallel.Wire;

namespace Orleans.Parallel.Grains.Isolation.Protocol;

/// <summary>
/// Large primitive arrays of a frame travel after it, as their own bytes, instead of inside it: Orleans
/// writes an array element by element (tens of MB/s for a <c>double[]</c>), while the socket takes an
/// array's memory as it is (one copy into the kernel, one out). The frame keeps an
/// <see cref="AttachedArray"/> where each array was.
/// </summary>
internal static class FrameArrays
{
    /// <summary>Arrays from this size on travel after their frame; smaller ones cost less inside it than a write of their own.</summary>
    public const int Threshold = 16 * 1024;

    /// <summary>The frame with its large arrays replaced by <see cref="AttachedArray"/>s, and those arrays in order (null when it holds none).</summary>
    public static Frame Strip(Frame frame, out List<Array>? arrays)
    {
        // Most frames hold nothing large: they go as they are, without a copy or a list per task.
        arrays = null;
        switch (frame)
        {
            case RunFrame run when RequestValues.Any(run.Task.Request, IsLarge):
                var sentAfterRun = arrays = [];
                return run with { Task = run.Task with { Request = RequestValues.Map(run.Task.Request, v => Strip(v, sentAfterRun)) } };
            case DoneFrame done when HoldsLarge(done.Reply.Result, done.Several):
                var sentAfterDone = arrays = [];
                return done with { Reply = done.Reply with { Result = Result(done.Reply.Result, done.Several, v => Strip(v, sentAfterDone)) } };
            default:
                return frame;
        }
    }

    /// <summary>The frame with each <see cref="AttachedArray"/> replaced by the array that followed it.</summary>
    public static Frame Restore(Frame frame, Array[] arrays) => frame switch
    {
        RunFrame run => run with { Task = run.Task with { Request = RequestValues.Map(run.Task.Request, v => Restore(v, arrays)) } },
        DoneFrame done => done with { Reply = done.Reply with { Result = Result(done.Reply.Result, done.Several, v => Restore(v, arrays)) } },
        _ => frame,
    };

    /// <summary>Whether a value holds an array that travels after its frame (what <see cref="Strip(object?, List{Array})"/> takes out).</summary>
    private static bool IsLarge(object? value) => value switch
    {
        object?[] { Length: 2 } pair when pair.GetType() == typeof(object[]) => IsLarge(pair[0]),
        Array array => TravelsAfter(array),
        MemoryValue { Data: var data } => IsLarge(data),
        UserValue { Data: var data } => IsLarge(data),
        _ => false,
    };

    private static bool TravelsAfter(Array array) => BulkProtocol.IsBulkArray(array.GetType()) && BulkProtocol.ByteLength(array) >= Threshold;

    private static bool HoldsLarge(object? result, bool several) =>
        several && result is object?[] values ? values.Any(IsLarge) : IsLarge(result);

    private static object? Result(object? result, bool several, Func<object?, object?> value) =>
        several && result is object?[] values ? values.Select(value).ToArray() : value(result);

    private static object? Strip(object? value, List<Array> arrays)
    {
        switch (value)
        {
            case Array array when TravelsAfter(array):
                arrays.Add(array);
                return new AttachedArray(arrays.Count - 1);
            case MemoryValue { Data: Array } memory:
                return memory with { Data = Strip(memory.Data, arrays)! };
            case UserValue { Data: byte[] } user:
                return user with { Data = Strip(user.Data, arrays)! };
            // A map's values and its item errors: exactly an object?[] (an int[][] is an object?[] too, by covariance, and must keep its type).
            case object?[] { Length: 2 } pair when pair.GetType() == typeof(object[]) && pair[0] is Array:
                return new[] { Strip(pair[0], arrays), pair[1] };
            default:
                return value;
        }
    }

    private static object? Restore(object? value, Array[] arrays) => value switch
    {
        AttachedArray attached => arrays[attached.Index],
        MemoryValue { Data: AttachedArray } memory => memory with { Data = Restore(memory.Data, arrays)! },
        UserValue { Data: AttachedArray } user => user with { Data = Restore(user.Data, arrays)! },
        object?[] { Length: 2 } pair when pair.GetType() == typeof(object[]) && pair[0] is AttachedArray => new[] { Restore(pair[0], arrays), pair[1] },
        _ => value,
    };
}

/// <summary>Where a frame's array <paramref name="Index"/> was: its bytes follow the frame.</summary>
[GenerateSerializer, Immutable, Alias("op.child.AttachedArray")]
internal sealed record AttachedArray([property: Id(0)] int Index);
