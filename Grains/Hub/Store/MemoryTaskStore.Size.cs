using System.Collections;
using Orleans.Parallel.Bulk;
using Orleans.Parallel.Engine;
using Orleans.Parallel.Hub;
using Orleans.Parallel.Scheduling;
using Orleans.Parallel.Wire;

namespace Orleans.Parallel.Grains.Hub.Store;

/// <summary>
/// The size estimate behind <see cref="TaskStoreOptions.SizeLimit"/>. It counts what grows with the
/// user's data (text, packed arrays, user values, arguments, results), not the exact heap: a
/// record costs a fixed overhead, text two bytes a character, arrays of primitives their bytes,
/// other values a small fixed amount. It must be cheap, since it runs on every save under the
/// store's lock, so large collections are estimated from their first items and deep values are
/// not followed to the end.
/// </summary>
public sealed partial class MemoryTaskStore
{
    /// <summary>The record object, its boxed and nullable fields, and its entries in the store's dictionary and order.</summary>
    internal const long RecordOverhead = 512;

    /// <summary>An object header and the reference to it.</summary>
    private const long ObjectOverhead = 24;

    /// <summary>Collections longer than this are estimated from this many items, scaled.</summary>
    private const int SampleItems = 1_000;

    /// <summary>Values nested deeper than this count as one small object.</summary>
    private const int MaxDepth = 12;

    /// <summary>The estimated bytes <paramref name="record"/> takes in memory.</summary>
    public static long SizeOf(TaskRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return SizeWithoutRequest(record) + RequestSize(record.Request);
    }

    // The tasks of one batch share one function payload (the serializer keeps references within a
    // message): it is measured once, not for each task. Only touched under the store's lock.
    private FunctionPayload? _lastFunction;
    private long _lastFunctionSize;

    /// <summary><see cref="RequestSize"/>, with the function's size taken from the last one measured when it is the same payload.</summary>
    private long MeasureRequest(EngineRequest? request) => request switch
    {
        ApplyRequest apply => ObjectOverhead + MeasureFunction(apply.Function) + ValueSize(apply.Args, 0),
        MapRequest map => ObjectOverhead + MeasureFunction(map.Function) + ValueSize(map.Items, 0) + ValueSize(map.More, 0),
        _ => RequestSize(request),
    };

    private long MeasureFunction(FunctionPayload? function)
    {
        if (function is null) return 0;
        if (!ReferenceEquals(function, _lastFunction))
        {
            _lastFunctionSize = FunctionSize(function, 0);
            _lastFunction = function;
        }
        return _lastFunctionSize;
    }

    /// <summary>All of <see cref="SizeOf"/> but the request, which the store measures once per task.</summary>
    private static long SizeWithoutRequest(TaskRecord record) =>
        RecordOverhead
        + TextSize(record.Label) + TextSize(record.Stdout) + TextSize(record.Stderr) + TextSize(record.ExecuteResult)
        + ValueSize(record.Result, 0) + ErrorSize(record.Error) + PlacementSize(record.Placement);

    private static long TextSize(string? text) => text is null ? 0 : ObjectOverhead + 2L * text.Length;

    private static long ErrorSize(RemoteError? error) => error is null ? 0
        : ObjectOverhead + TextSize(error.ExceptionType) + TextSize(error.Message) + TextSize(error.StackTrace)
          + (error.Diagnostics ?? []).Sum(d => ObjectOverhead + TextSize(d.Id) + TextSize(d.Severity) + TextSize(d.Message));

    private static long RequestSize(EngineRequest? request) => request switch
    {
        null => 0,
        ExecuteRequest execute => ObjectOverhead + TextSize(execute.Code),
        PushRequest push => ObjectOverhead + ValueSize(push.Values, 0),
        PullRequest pull => ObjectOverhead + ValueSize(pull.Names, 0),
        ApplyRequest apply => ObjectOverhead + FunctionSize(apply.Function, 0) + ValueSize(apply.Args, 0),
        MapRequest map => ObjectOverhead + FunctionSize(map.Function, 0) + ValueSize(map.Items, 0) + ValueSize(map.More, 0),
        _ => ObjectOverhead,
    };

    private static long PlacementSize(TaskPlacement? placement) => placement is null ? 0
        : ObjectOverhead + 4L * ((placement.Targets?.Count ?? 0) + (placement.Excluded?.Count ?? 0))
          + (placement.Require is { } require
              ? ObjectOverhead + ValueSize(require.Variables, 0) + ValueSize(require.Assemblies, 0) + FunctionSize(require.Predicate, 0)
              : 0);

    private static long FunctionSize(FunctionPayload? function, int depth) => function is null ? 0
        : ObjectOverhead + TextSize(function.DeclaringType) + TextSize(function.MethodName) + TextSize(function.DelegateType)
          + ValueSize(function.ParameterTypes, depth + 1) + ValueSize(function.GenericArguments, depth + 1)
          + ((function.Uploaded?.Count ?? 0) + 1) * (ObjectOverhead + 160) // each assembly's full name and hash
          + ValueSize(function.Target, depth + 1);

    /// <summary>A value from a result, an argument or a closure.</summary>
    private static long ValueSize(object? value, int depth) => value switch
    {
        null => 0,
        _ when depth > MaxDepth => ObjectOverhead,
        string text => TextSize(text),
        PackedArray packed => ObjectOverhead + TextSize(packed.ElementType) + (packed.Data?.LongLength ?? 0),
        UserValue user => ObjectOverhead + TextSize(user.TypeName) + ValueSize(user.Data, depth + 1),
        BulkRef => 2 * ObjectOverhead, // the bytes are held by the bulk path, not by the record
        MemoryValue memory => ObjectOverhead + ValueSize(memory.Data, depth + 1),
        ClosureValue closure => ObjectOverhead + TextSize(closure.TypeName)
            + (closure.Fields ?? []).Sum(f => ObjectOverhead + TextSize(f.Name) + ValueSize(f.Value, depth + 1)),
        FunctionPayload function => FunctionSize(function, depth),
        ReferenceArg reference => ObjectOverhead + TextSize(reference.Name) + TextSize(reference.ExpectedType),
        Array array when array.GetType().GetElementType() is { IsPrimitive: true } element => ObjectOverhead + array.LongLength * PrimitiveSize(element),
        IList list => ObjectOverhead + SampledList(list, depth),
        IDictionary dictionary => ObjectOverhead + Sampled(dictionary.Count, Entries(dictionary), e => 16 + ValueSize(e.Key, depth + 1) + ValueSize(e.Value, depth + 1)),
        IEnumerable items => ObjectOverhead + Sampled((items as ICollection)?.Count, items.Cast<object?>(), item => 8 + ValueSize(item, depth + 1)),
        _ => ObjectOverhead + 8, // a boxed primitive, a date, a guid or a small record
    };

    /// <summary>A list (argument arrays, type names) by index: no enumerator or delegate per item, since every task has some.</summary>
    private static long SampledList(IList list, int depth)
    {
        var count = list.Count;
        var seen = Math.Min(count, SampleItems);
        long sum = 0;
        for (var i = 0; i < seen; i++) sum += 8 + ValueSize(list[i], depth + 1);
        return count > seen ? sum * count / seen : sum;
    }

    private static IEnumerable<DictionaryEntry> Entries(IDictionary dictionary)
    {
        foreach (DictionaryEntry entry in dictionary) yield return entry;
    }

    /// <summary>The sum of <paramref name="size"/> over the first <see cref="SampleItems"/> items, scaled to <paramref name="count"/> when known.</summary>
    private static long Sampled<T>(int? count, IEnumerable<T> items, Func<T, long> size)
    {
        long sum = 0;
        var seen = 0;
        foreach (var item in items)
        {
            if (seen == SampleItems) break;
            sum += size(item);
            seen++;
        }
        return count is { } total && total > seen && seen > 0 ? sum * total / seen : sum;
    }

    private static long PrimitiveSize(Type element) => Type.GetTypeCode(element) switch
    {
        TypeCode.Boolean or TypeCode.Byte or TypeCode.SByte => 1,
        TypeCode.Char or TypeCode.Int16 or TypeCode.UInt16 => 2,
        TypeCode.Int32 or TypeCode.UInt32 or TypeCode.Single => 4,
        _ => 8,
    };
}
