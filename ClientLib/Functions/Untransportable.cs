using Orleans.Parallel.Wire;

namespace Orleans.Parallel.Functions;

/// <summary>Types whose values only mean something in this process, so they cannot be captured or sent.</summary>
internal static class Untransportable
{
    /// <summary>Throws naming <paramref name="path"/> when values of <paramref name="type"/> cannot travel.</summary>
    public static void Check(Type type, string path)
    {
        if (ProcessBound.Is(type) || typeof(ParallelClient).IsAssignableFrom(type))
            throw new ArgumentException(
                $"{path} is a {type.FullName}, which only means something in this process and cannot be sent to an engine. " +
                "Create it inside the function instead of capturing it.");
    }
}
