using System.Text;

namespace Orleans.Parallel.Grains.Execution.Scripts;

/// <summary>Spells a runtime type as C# source, or gives the nearest type that a script can name.</summary>
internal static class CSharpTypeName
{
    /// <summary>The most specific type of <paramref name="type"/>'s hierarchy that script code can refer to.</summary>
    public static Type Nameable(Type type)
    {
        for (var t = type; t is not null; t = t.BaseType)
            if (IsNameable(t)) return t;
        return typeof(object);
    }

    public static string Of(Type type)
    {
        if (type.IsArray)
        {
            // Jagged arrays: C# writes the outermost rank first (int[][,] is an array of int[,]).
            var ranks = new StringBuilder();
            var element = type;
            while (element.IsArray)
            {
                ranks.Append('[').Append(',', element.GetArrayRank() - 1).Append(']');
                element = element.GetElementType()!;
            }
            return Of(element) + ranks;
        }
        var args = type.GetGenericArguments();
        return "global::" + Qualified(type, args, args.Length);
    }

    private static string Qualified(Type type, Type[] args, int argCount)
    {
        var name = type.Name;
        var tick = name.IndexOf('`');
        if (tick >= 0) name = name[..tick];
        var own = type.IsGenericType ? type.GetGenericTypeDefinition().GetGenericArguments().Length : 0;
        var parentCount = type.IsNested && type.DeclaringType!.IsGenericType ? type.DeclaringType.GetGenericArguments().Length : 0;
        var prefix = type.IsNested
            ? Qualified(type.DeclaringType!, args, parentCount) + "."
            : string.IsNullOrEmpty(type.Namespace) ? "" : type.Namespace + ".";
        var mine = args.Skip(parentCount).Take(own - parentCount).ToArray();
        return mine.Length == 0 ? prefix + name : $"{prefix}{name}<{string.Join(", ", mine.Select(Of))}>";
    }

    private static bool IsNameable(Type t)
    {
        if (t.IsArray) return IsNameable(t.GetElementType()!);
        if (t.IsPointer || t.IsByRef || t.IsGenericParameter) return false;
        if (!(t.IsPublic || t.IsNestedPublic)) return false;
        if (t.IsNested && !IsNameable(t.DeclaringType!)) return false;
        if (t.Name.Contains('<') || !HasMetadata(t.Assembly)) return false;
        return t.GetGenericArguments().All(IsNameable);
    }

    /// <summary>Whether the compiler can read the assembly: a file, or an image a client uploaded.</summary>
    private static bool HasMetadata(System.Reflection.Assembly assembly) =>
        !string.IsNullOrEmpty(assembly.Location)
        || (System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(assembly) is Code.SessionLoadContext session && session.ImageOf(assembly) is not null);
}
