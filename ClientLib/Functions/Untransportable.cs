using System.Net.Sockets;

namespace Orleans.Parallel.Functions;

/// <summary>Types whose values only mean something in this process, so they cannot be captured or sent.</summary>
internal static class Untransportable
{
    private static readonly Type[] Forbidden =
    [
        typeof(Stream), typeof(Socket), typeof(Task), typeof(ValueTask), typeof(Thread), typeof(WaitHandle),
        typeof(CancellationTokenSource), typeof(System.Runtime.InteropServices.SafeHandle), typeof(TextWriter), typeof(TextReader),
        typeof(IntPtr), typeof(UIntPtr), typeof(ParallelClient),
    ];

    /// <summary>Throws naming <paramref name="path"/> when values of <paramref name="type"/> cannot travel.</summary>
    public static void Check(Type type, string path)
    {
        if (type.IsPointer || type.IsByRef || type.IsByRefLike || Forbidden.Any(f => f.IsAssignableFrom(type))
            || (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ValueTask<>)))
            throw new ArgumentException(
                $"{path} is a {type.FullName}, which only means something in this process and cannot be sent to an engine. " +
                "Create it inside the function instead of capturing it.");
    }
}
