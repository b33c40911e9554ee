using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace Orleans.Parallel.Wire;

/// <summary>
/// Refuses a value nested deeper than <see cref="Limit"/> levels before anything that walks values
/// recursively sees it: Orleans' serializer and copier, the graph codec, the hub's record of a result.
/// Each of those would run out of stack on a deep enough value and take its whole process down (a
/// stack overflow cannot be caught). The client checks what it sends, and an engine what it answers
/// and what it checkpoints, so a too-deep value is an error for that one call or task.
/// <para>
/// The walk keeps its own stack: any depth is measured without recursion. It follows the elements of
/// collections that may hold other collections (<c>object[]</c>, <c>List&lt;object&gt;</c>, dictionaries,
/// tuples), the fields of the user's own types and closures, and delegates' targets; a collection of
/// numbers or strings is one level, whatever its size.
/// </para>
/// </summary>
public static class ValueDepth
{
    /// <summary>How many levels a value may nest: an <c>object[]</c> holding an <c>object[]</c> is two.</summary>
    public const int Limit = 256;

    private static readonly ConcurrentDictionary<Type, FieldInfo[]> Fields = new();

    /// <summary>Throws <see cref="ValueTooDeepException"/> when <paramref name="value"/> nests deeper than <see cref="Limit"/> levels.</summary>
    /// <param name="value">The value.</param>
    /// <param name="what">What it is, for the message ("Argument 0", "The task's result").</param>
    public static void Check(object? value, string what)
    {
        if (value is null || IsLeaf(value.GetType())) return;
        var pending = new Stack<(object Value, int Depth)>();
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        pending.Push((value, 1));
        while (pending.Count > 0)
        {
            var (current, depth) = pending.Pop();
            if (!seen.Add(current)) continue;
            foreach (var child in Children(current))
            {
                if (child is null || IsLeaf(child.GetType())) continue;
                if (depth + 1 > Limit) throw new ValueTooDeepException(what);
                pending.Push((child, depth + 1));
            }
        }
    }

    /// <summary>What a value holds that may hold more.</summary>
    private static IEnumerable<object?> Children(object value)
    {
        var type = value.GetType();
        switch (value)
        {
            case Delegate function:
                foreach (var single in function.GetInvocationList()) yield return single.Target;
                yield break;
            case IDictionary dictionary:
                if (LeafElements(type)) yield break;
                foreach (DictionaryEntry entry in dictionary)
                {
                    yield return entry.Key;
                    yield return entry.Value;
                }
                yield break;
            case ITuple tuple:
                for (var i = 0; i < tuple.Length; i++) yield return tuple[i];
                yield break;
            case IEnumerable items:
                if (LeafElements(type)) yield break;
                foreach (var item in items) yield return item;
                yield break;
        }
        if (!OwnType(type)) yield break; // a framework object that is no collection (a Type, a Task): Orleans carries it or refuses it whole
        foreach (var field in Fields.GetOrAdd(type, FieldsOf)) yield return field.GetValue(value);
    }

    /// <summary>Types that hold no other object: numbers, text, times, and arrays of them.</summary>
    private static bool IsLeaf(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(DateTime)
        || type == typeof(DateTimeOffset) || type == typeof(TimeSpan) || type == typeof(Guid)
        || (type.IsArray && IsLeaf(type.GetElementType()!));

    private static readonly ConcurrentDictionary<Type, bool> LeafCollections = new();

    /// <summary>Whether a collection's declared elements (and keys) are leaves: then its size does not matter.</summary>
    private static bool LeafElements(Type type) => LeafCollections.GetOrAdd(type, DeclaresLeafElements);

    private static bool DeclaresLeafElements(Type type)
    {
        if (type.IsArray) return IsLeaf(type.GetElementType()!);
        var generic = type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        if (generic?.GetGenericArguments()[0] is not { } element) return false;
        if (IsLeaf(element)) return true;
        // Dictionaries enumerate KeyValuePair<K, V>: leaves when both are.
        return element.IsGenericType && element.GetGenericTypeDefinition() == typeof(KeyValuePair<,>) && element.GetGenericArguments().All(IsLeaf);
    }

    /// <summary>The user's own types (and compiler-made closures), whose fields the walk follows; not the framework's.</summary>
    private static bool OwnType(Type type) =>
        type.Namespace is not { } ns || !(ns == "System" || ns.StartsWith("System.", StringComparison.Ordinal)
            || ns == "Microsoft" || ns.StartsWith("Microsoft.", StringComparison.Ordinal));

    private static FieldInfo[] FieldsOf(Type type)
    {
        var fields = new List<FieldInfo>();
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
            fields.AddRange(t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                .Where(f => !IsLeaf(f.FieldType)));
        return [.. fields];
    }
}

/// <summary>A value nests deeper than <see cref="ValueDepth.Limit"/> levels.</summary>
public sealed class ValueTooDeepException(string what) : ArgumentException(
    $"{what} nests more than {ValueDepth.Limit} levels deep (an object[] in an object[] in …). Orleans and the engines walk values " +
    $"recursively and would run out of stack, so values may nest at most {ValueDepth.Limit} levels: flatten it (rows of an array, a dictionary by id) before it travels.");
