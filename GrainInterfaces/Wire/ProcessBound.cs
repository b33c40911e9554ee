using System.Net.Sockets;

namespace Orleans.Parallel.Wire;

/// <summary>
/// Types whose values mean something only in the process that made them (streams, sockets, tasks,
/// threads, handles, pointers): the client refuses to send them, and checkpoints do not store them.
/// </summary>
public static class ProcessBound
{
    private static readonly Type[] Types =
    [
        typeof(Stream), typeof(Socket), typeof(Task), typeof(ValueTask), typeof(Thread), typeof(WaitHandle),
        typeof(CancellationTokenSource), typeof(System.Runtime.InteropServices.SafeHandle), typeof(TextWriter), typeof(TextReader),
        typeof(IntPtr), typeof(UIntPtr),
    ];

    /// <summary>Whether values of <paramref name="type"/> mean something only in this process.</summary>
    public static bool Is(Type type) =>
        type.IsPointer || type.IsByRef || type.IsByRefLike || Types.Any(t => t.IsAssignableFrom(type))
        || (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ValueTask<>));
}
