using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using Orleans.Parallel.Bulk;
using Orleans.Parallel.Engine;

namespace Orleans.Parallel.Wire;

/// <summary>
/// A lower bound of the bytes Orleans writes for what a message carries, so that a message over
/// <c>MessagingOptions.MaxMessageBodySize</c> is refused before it is sent. Orleans measures a message
/// only once it has written it, in its connection's send loop: the call is never answered (its caller
/// waits out the response timeout) and the connection is closed. Counted here, a value too large is an
/// error of its own call or task.
/// <para>
/// Nothing that fits is refused, as every rule counts no more than Orleans writes at the least: a
/// string is at least its <see cref="string.Length"/> in bytes (UTF-8 takes one byte or more per UTF-16
/// unit) and two for its field; a packed array (<see cref="PackedArray"/>), a <c>byte[]</c> or a user
/// value's text is its bytes; any other value in a field or a collection is at least one byte (its field
/// header), and eight more for a double, a DateTime or a TimeSpan, four for a float, sixteen for a
/// decimal or a Guid; an array in bulk is a <see cref="BulkRef"/>. Collections are followed only where
/// Orleans' own codecs write every element (arrays, tuples, the generic collections of
/// <c>System.Collections.*</c>); any other object counts one byte. Orleans writes an object met again
/// in the same message as a reference: the count that decides does so too.
/// </para>
/// <para>
/// It costs a few type tests per value; a collection's elements are looked at only when they are
/// strings or objects (a <c>List&lt;int&gt;</c> counts by its <c>Count</c>). A first count, without
/// allocating, may count a shared object more than once; only when it passes the limit is the message
/// counted again, each object once, before it is refused.
/// </para>
/// </summary>
public static class MessageSize
{
    /// <summary>Orleans' default <c>MessagingOptions.MaxMessageBodySize</c>: 100 MiB.</summary>
    public const int DefaultLimit = 100 * 1024 * 1024;

    /// <summary>What passes the limit: at least <paramref name="Bytes"/> bytes, most of them in <paramref name="What"/> ("argument 1", "the task's result").</summary>
    public readonly record struct Excess(long Bytes, string What);

    /// <summary>
    /// Null when <paramref name="request"/> may fit a message of <paramref name="limit"/> bytes; else
    /// how large it is at least, and which of its values weighs most.
    /// </summary>
    public static Excess? Exceeds(EngineRequest request, long limit)
    {
        var first = new Count { Stop = limit };
        AddRequest(ref first, request, parts: null);
        if (first.Bytes <= limit) return null;
        var exact = new Count { Stop = limit, Exact = true };
        var parts = new List<(long, string)>();
        AddRequest(ref exact, request, parts);
        return exact.Bytes <= limit ? null : new Excess(exact.Bytes, Largest(parts));
    }

    /// <summary>
    /// Null when <paramref name="parts"/> (values in wire form, named for the message) may fit a
    /// message of <paramref name="limit"/> bytes; else how large they are at least, and which weighs most.
    /// </summary>
    public static Excess? Exceeds(long limit, params ReadOnlySpan<(string What, object? Value)> parts)
    {
        var first = new Count { Stop = limit };
        foreach (var (_, value) in parts) Add(ref first, value);
        if (first.Bytes <= limit) return null;
        var exact = new Count { Stop = limit, Exact = true };
        var weights = new List<(long, string)>();
        foreach (var (what, value) in parts) Part(ref exact, value, weights, what);
        return exact.Bytes <= limit ? null : new Excess(exact.Bytes, Largest(weights));
    }

    /// <summary>A lower bound of the bytes Orleans writes for <paramref name="value"/> (in wire form), each object counted once.</summary>
    public static long Of(object? value)
    {
        var count = new Count { Stop = long.MaxValue, Exact = true };
        Add(ref count, value);
        return count.Bytes;
    }

    /// <summary>
    /// A first, quick count of <paramref name="request"/>: at least its lower bound (a shared object may
    /// count more than once), and no more than just past <paramref name="stopAfter"/> (counting stops there).
    /// </summary>
    public static long Estimate(EngineRequest request, long stopAfter = long.MaxValue)
    {
        var count = new Count { Stop = stopAfter };
        AddRequest(ref count, request, parts: null);
        return count.Bytes;
    }

    /// <summary>
    /// A first, quick count of one value in wire form: at least its lower bound (a shared object may count
    /// more than once), and no more than just past <paramref name="stopAfter"/>. Allocates nothing for the
    /// usual small value.
    /// </summary>
    public static long Estimate(object? value, long stopAfter)
    {
        var count = new Count { Stop = stopAfter };
        Add(ref count, value);
        return count.Bytes;
    }

    /// <summary>The text of an error for a message that does not fit, naming the limit and the ways around it.</summary>
    /// <param name="excess">What passed the limit.</param>
    /// <param name="limit">The limit in force.</param>
    /// <param name="result">Whether it is a task's result (on its way back) rather than a request.</param>
    public static string Describe(Excess excess, long limit, bool result)
    {
        var size = excess.Bytes.ToString("N0", CultureInfo.InvariantCulture);
        var max = limit.ToString("N0", CultureInfo.InvariantCulture);
        return result
            ? $"{char.ToUpperInvariant(excess.What[0])}{excess.What[1..]} is at least {size} bytes, more than the {max} bytes Orleans carries in one message " +
              $"(MessagingOptions.MaxMessageBodySize, {DefaultLimit / (1024 * 1024)} MiB by default), so the task's reply cannot carry it. " +
              "A primitive array returned as the result (byte[], char[], double[], …) travels beside the reply, in bulk, at any size: " +
              "return a large string as a byte[] (Encoding.UTF8.GetBytes) or a char[], return the value in parts, " +
              "or raise MaxMessageBodySize on every silo (SiloMessagingOptions) and on the client (ClientMessagingOptions)."
            : $"The message would be at least {size} bytes, most of them in {excess.What}: more than the {max} bytes Orleans carries in one message " +
              $"(MessagingOptions.MaxMessageBodySize, {DefaultLimit / (1024 * 1024)} MiB by default), so nothing was sent. " +
              "A primitive array passed as a value of its own (byte[], char[], double[], …) travels beside the message, in bulk, at any size " +
              "(a load-balanced task's, when the engines it may run on share a silo): send a large string as a byte[] (Encoding.UTF8.GetBytes) " +
              "or a char[] (ToCharArray), split the value over several calls, " +
              "or raise MaxMessageBodySize on the client (ClientMessagingOptions) and on every silo (SiloMessagingOptions).";
    }

    /// <summary>A count in progress.</summary>
    private struct Count
    {
        /// <summary>The bytes counted so far.</summary>
        public long Bytes;

        /// <summary>Counting stops once <see cref="Bytes"/> passes this.</summary>
        public long Stop;

        /// <summary>Each object counted once, as Orleans writes it once (else only collections met inside others are, against cycles).</summary>
        public bool Exact;

        /// <summary>Whether a collection's elements are being counted: a collection met now waits in <see cref="Pending"/>.</summary>
        public bool Expanding;

        public HashSet<object>? Seen;
        public Stack<object>? Pending;

        public readonly bool Done => Bytes > Stop;
    }

    private static void AddRequest(ref Count count, EngineRequest request, List<(long, string)>? parts)
    {
        switch (request)
        {
            case ExecuteRequest execute:
                Part(ref count, execute.Code, parts, "the script's code");
                break;
            case PushRequest { Values: Dictionary<string, object?> values }: // as the client makes it: enumerated without allocating
                foreach (var (name, value) in values)
                {
                    if (count.Done) break;
                    Part(ref count, value, parts, "variable '", name);
                }
                break;
            case PushRequest push:
                foreach (var (name, value) in push.Values)
                {
                    if (count.Done) break;
                    Part(ref count, value, parts, "variable '", name);
                }
                break;
            case ApplyRequest apply:
                Part(ref count, apply.Function.Target, parts, "the function's captured values");
                for (var i = 0; i < apply.Args.Length && !count.Done; i++) Part(ref count, apply.Args[i], parts, "argument ", index: i);
                break;
            case MapRequest map:
                Part(ref count, map.Function.Target, parts, "the function's captured values");
                Part(ref count, map.Items, parts, "the map's items");
                for (var i = 0; i < (map.More?.Count ?? 0) && !count.Done; i++) Part(ref count, map.More![i], parts, "the map's sequence ", index: i + 1);
                break;
        }
    }

    /// <summary>Counts one value of a message and, when <paramref name="parts"/> is given, records its weight under its name.</summary>
    private static void Part(ref Count count, object? value, List<(long, string)>? parts, string what, string? name = null, int index = -1)
    {
        var before = count.Bytes;
        Add(ref count, value);
        parts?.Add((count.Bytes - before, name is not null ? $"{what}{name}'" : index >= 0 ? $"{what}{index}" : what));
    }

    private static string Largest(List<(long Bytes, string What)> parts)
    {
        (long Bytes, string What) largest = parts.Count > 0 ? parts[0] : (0L, "the message");
        foreach (var part in parts)
            if (part.Bytes > largest.Bytes) largest = part;
        return largest.What;
    }

    /// <summary>Counts <paramref name="value"/> and everything it holds.</summary>
    private static void Add(ref Count count, object? value)
    {
        Visit(ref count, value);
        while (!count.Done && count.Pending is { Count: > 0 } pending)
        {
            count.Expanding = true;
            Expand(ref count, pending.Pop());
            count.Expanding = false;
        }
    }

    /// <summary>Counts one field or element holding <paramref name="value"/>.</summary>
    private static void Visit(ref Count count, object? value)
    {
        count.Bytes++; // the field's header
        if (value is null) return;
        if (value is string text)
        {
            count.Bytes++; // its length, or the reference to it when met before
            if (!count.Exact || (text.Length >= ExactFrom && First(ref count, text))) count.Bytes += text.Length;
            return;
        }
        var type = value.GetType();
        if (type.IsPrimitive)
        {
            count.Bytes += ContentOf(type);
            return;
        }
        switch (value)
        {
            case PackedArray packed:
                if (First(ref count, packed.Data)) count.Bytes += packed.Data.Length;
                return;
            case Array array:
                VisitArray(ref count, array);
                return;
            case BulkRef or ClosureRef or ReferenceArg:
                return;
            case UserValue user:
                Visit(ref count, user.Data); // its text (a byte[]), or a BulkRef to it
                return;
            case MemoryValue memory:
                Visit(ref count, memory.Data);
                return;
            case FunctionPayload function:
                Visit(ref count, function.Target);
                return;
            case ClosureValue closure:
                Container(ref count, closure);
                return;
        }
        var kind = KindOf(type);
        if (kind.Expand) Container(ref count, value);
        else if (kind.PerElement > 0) count.Bytes += (long)kind.PerElement * CountOf(value);
        else count.Bytes += kind.Content;
    }

    /// <summary>Strings shorter than this count only their field when counting exactly (each object once), so that count need not remember every short string.</summary>
    private const int ExactFrom = 8;

    private static void VisitArray(ref Count count, Array array)
    {
        var element = array.GetType().GetElementType()!;
        if (element == typeof(byte))
        {
            if (First(ref count, array)) count.Bytes += array.LongLength; // written as one block
            return;
        }
        var kind = KindOf(element);
        if (kind.Fixed)
        {
            if (First(ref count, array)) count.Bytes += array.LongLength * (1 + kind.Content);
        }
        else Container(ref count, array);
    }

    /// <summary>Counts a collection's elements: now, or when the collection being counted is done (so the walk keeps no call stack).</summary>
    private static void Container(ref Count count, object container)
    {
        if (count.Expanding || count.Exact)
        {
            if ((count.Seen ??= new HashSet<object>(ReferenceEqualityComparer.Instance)).Add(container))
                (count.Pending ??= new Stack<object>()).Push(container);
            return;
        }
        count.Expanding = true;
        Expand(ref count, container);
        count.Expanding = false;
    }

    /// <summary>Whether <paramref name="value"/> is counted now: always in a first count, once in an exact one.</summary>
    private static bool First(ref Count count, object value) =>
        !count.Exact || (count.Seen ??= new HashSet<object>(ReferenceEqualityComparer.Instance)).Add(value);

    private static void Expand(ref Count count, object container)
    {
        switch (container)
        {
            case ClosureValue closure:
                foreach (var field in closure.Fields)
                {
                    if (count.Done) return;
                    Visit(ref count, field.Value);
                }
                return;
            case object?[] items: // object[], string[] and other arrays of references
                for (var i = 0; i < items.Length && !count.Done; i++) Visit(ref count, items[i]);
                return;
            case IDictionary dictionary:
                var entries = dictionary.GetEnumerator();
                while (!count.Done && entries.MoveNext())
                {
                    Visit(ref count, entries.Key);
                    Visit(ref count, entries.Value);
                }
                return;
            case ITuple tuple:
                for (var i = 0; i < tuple.Length && !count.Done; i++) Visit(ref count, tuple[i]);
                return;
            case IEnumerable items:
                var each = items.GetEnumerator();
                while (!count.Done && each.MoveNext()) Visit(ref count, each.Current);
                return;
        }
    }

    /// <summary>How a type counts.</summary>
    /// <param name="Fixed">A value of a fixed size: a number, a time, a Guid.</param>
    /// <param name="Content">For a fixed value, the bytes Orleans writes at least besides its field header.</param>
    /// <param name="PerElement">For a collection of fixed values, the bytes each element takes at least (its count times this, unlooked at).</param>
    /// <param name="Expand">For a collection of anything else, its elements are counted one by one.</param>
    private readonly record struct Kind(bool Fixed, int Content, int PerElement, bool Expand);

    private static readonly ConcurrentDictionary<Type, Kind> Kinds = new();

    private static Kind KindOf(Type type) => Kinds.GetOrAdd(type, Classify);

    private static int ContentOf(Type type) =>
        type == typeof(double) || type == typeof(DateTime) || type == typeof(TimeSpan) ? 8
        : type == typeof(float) ? 4
        : type == typeof(decimal) || type == typeof(Guid) ? 16
        : 0;

    private static bool IsFixed(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(decimal) || type == typeof(DateTime) || type == typeof(DateTimeOffset)
        || type == typeof(TimeSpan) || type == typeof(Guid) || type == typeof(DateOnly) || type == typeof(TimeOnly)
        || (Nullable.GetUnderlyingType(type) is { } underlying && IsFixed(underlying));

    private static Kind Classify(Type type)
    {
        if (IsFixed(type)) return new Kind(Fixed: true, ContentOf(Nullable.GetUnderlyingType(type) ?? type), 0, false);
        if (type.IsArray) return new Kind(false, 0, 0, Expand: true);
        if (type.Namespace is not { } ns || !type.IsGenericType) return default;
        if (ns == "System" && typeof(ITuple).IsAssignableFrom(type)) return new Kind(false, 0, 0, Expand: true);
        // Orleans' codecs for these write every element; another enumerable type may write anything.
        if (!ns.StartsWith("System.Collections.", StringComparison.Ordinal) || !typeof(IEnumerable).IsAssignableFrom(type)) return default;
        var element = type.GetInterfaces().Append(type)
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];
        if (element is null) return new Kind(false, 0, 0, Expand: true);
        if (IsFixed(element)) return new Kind(false, 0, PerElement: 1 + ContentOf(Nullable.GetUnderlyingType(element) ?? element), false);
        if (element.IsGenericType && element.GetGenericTypeDefinition() == typeof(KeyValuePair<,>) && element.GetGenericArguments() is [var key, var value]
            && IsFixed(key) && IsFixed(value))
            return new Kind(false, 0, PerElement: 2 + ContentOf(Nullable.GetUnderlyingType(key) ?? key) + ContentOf(Nullable.GetUnderlyingType(value) ?? value), false);
        return new Kind(false, 0, 0, Expand: true);
    }

    private static readonly ConcurrentDictionary<Type, PropertyInfo?> Counts = new();

    /// <summary>How many elements a collection has, without looking at them when it says.</summary>
    private static long CountOf(object collection)
    {
        if (collection is ICollection sized) return sized.Count;
        var property = Counts.GetOrAdd(collection.GetType(), t => t.GetProperty("Count", BindingFlags.Public | BindingFlags.Instance, null, typeof(int), [], null));
        if (property?.GetValue(collection) is int count) return count;
        long n = 0;
        var each = ((IEnumerable)collection).GetEnumerator();
        while (each.MoveNext()) n++;
        return n;
    }
}

/// <summary>
/// A task's result is larger than Orleans carries in one message (<c>MessagingOptions.MaxMessageBodySize</c>),
/// so the engine fails the task with this error rather than send a reply that could not arrive.
/// </summary>
public sealed class ResultTooLargeException(string message) : InvalidOperationException(message);
