using System.Text;
using Orleans.Parallel.Engine;

namespace Orleans.Parallel.Grains.Engine;

/// <summary>What a <see cref="KeysRequest"/> answers: the namespace's names, sorted, with their values' types if asked.</summary>
internal static class NamespaceListing
{
    public static object List(EngineNamespace ns, bool withTypes)
    {
        var names = ns.Values.Keys.Order(StringComparer.Ordinal).ToArray();
        return withTypes ? names.Select(n => new NamespaceVariable(n, TypeName(ns.Values[n]?.GetType()))).ToArray() : names;
    }

    /// <summary>A type as a user writes it in C#: keywords for the built-in types, no namespaces, generic arguments spelled out.</summary>
    public static string TypeName(Type? type)
    {
        if (type is null) return "null";
        if (type.IsArray) return TypeName(type.GetElementType()) + "[" + new string(',', type.GetArrayRank() - 1) + "]";
        if (Nullable.GetUnderlyingType(type) is { } underlying) return TypeName(underlying) + "?";
        if (Keywords.TryGetValue(type, out var keyword)) return keyword;
        var name = new StringBuilder(Simple(type.Name));
        if (type.IsGenericType) name.Append('<').AppendJoin(", ", type.GetGenericArguments().Select(TypeName)).Append('>');
        return name.ToString();
    }

    /// <summary>
    /// The name without its generic arity ("List`1"). Types a script declared are nested in Roslyn's
    /// submission class ("Submission#3+Point"); Type.Name already gives the inner name.
    /// </summary>
    private static string Simple(string name) => name.IndexOf('`') is var tick and >= 0 ? name[..tick] : name;

    private static readonly Dictionary<Type, string> Keywords = new()
    {
        [typeof(bool)] = "bool", [typeof(byte)] = "byte", [typeof(sbyte)] = "sbyte", [typeof(char)] = "char",
        [typeof(short)] = "short", [typeof(ushort)] = "ushort", [typeof(int)] = "int", [typeof(uint)] = "uint",
        [typeof(long)] = "long", [typeof(ulong)] = "ulong", [typeof(float)] = "float", [typeof(double)] = "double",
        [typeof(decimal)] = "decimal", [typeof(string)] = "string", [typeof(object)] = "object",
        [typeof(nint)] = "nint", [typeof(nuint)] = "nuint",
    };
}
