using System.Collections;
using System.Runtime.CompilerServices;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;

namespace Orleans.Parallel.Wire;

/// <summary>
/// Whether Orleans itself can carry a value. Its serializer answers per type, but a collection of
/// <c>object</c> (or of an interface, or of a class that is not sealed) may hold anything, so the
/// elements of such containers are asked too.
/// </summary>
public static class OrleansCarriage
{
    /// <summary>True when every object in <paramref name="value"/> has an Orleans codec.</summary>
    public static bool Carries(Serializer serializer, object? value)
    {
        if (value is null or string) return true;
        var type = value.GetType();
        if (type.IsPrimitive) return true;
        // Orleans writes other enums boxed as their underlying number and reads them back as one.
        if (type.IsEnum) return type == typeof(DayOfWeek);
        if (!HasCodec(serializer, type)) return false;
        switch (value)
        {
            case IDictionary dictionary when !(type.IsGenericType && ClosedArguments(type)):
                foreach (DictionaryEntry entry in dictionary)
                    if (!Carries(serializer, entry.Key) || !Carries(serializer, entry.Value)) return false;
                return true;
            case ITuple tuple when !ClosedArguments(type):
                for (var i = 0; i < tuple.Length; i++)
                    if (!Carries(serializer, tuple[i])) return false;
                return true;
            case IEnumerable items when !ClosedElements(type):
                foreach (var item in items)
                    if (!Carries(serializer, item)) return false;
                return true;
            default:
                return true;
        }
    }

    /// <summary>Orleans' own answer; for arrays of types it lacks, it throws rather than answering no.</summary>
    public static bool HasCodec(Serializer serializer, Type type)
    {
        try
        {
            return serializer.CanSerialize(type);
        }
        catch (CodecNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Whether a declared type admits only values of itself (so its codec decides for all of them).</summary>
    private static bool Closed(Type type) =>
        (type.IsValueType || type.IsSealed || type.IsArray) && (!type.IsGenericType || ClosedArguments(type))
        && (!type.IsArray || Closed(type.GetElementType()!));

    private static bool ClosedArguments(Type type) => !type.IsGenericType || type.GetGenericArguments().All(Closed);

    private static bool ClosedElements(Type type)
    {
        if (type.IsArray) return Closed(type.GetElementType()!);
        var enumerable = type.GetInterfaces().Append(type)
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        return enumerable is not null && Closed(enumerable.GetGenericArguments()[0]);
    }
}
