using Orleans.Parallel.Functions;

namespace Orleans.Parallel.Views;

/// <summary>
/// The sequences a map runs over (one to four), read once into arrays and checked before anything is
/// sent. Sequences of unequal length are cut to the shortest, as Python's <c>map</c> does; each chunk
/// of the map is one block per sequence.
/// </summary>
internal sealed class MapInput
{
    private readonly Func<CaptureWalk, int, int, object?[]> _cut;

    private MapInput(int count, Func<CaptureWalk, int, int, object?[]> cut) => (Count, _cut) = (count, cut);

    /// <summary>How many items the map has (the shortest sequence's length).</summary>
    public int Count { get; }

    /// <summary>How many sequences each item takes an argument from.</summary>
    public int Arity { get; private init; } = 1;

    /// <summary>The blocks of items <paramref name="offset"/>..+<paramref name="length"/>, one per sequence, walked for what they capture.</summary>
    public object?[] Cut(CaptureWalk walk, int offset, int length) => _cut(walk, offset, length);

    public static MapInput Of<T>(IEnumerable<T> items, string name = "items")
    {
        var array = (items ?? throw new ArgumentNullException(name)) as T[] ?? items.ToArray();
        ViewOperations.CheckItemType<T>(name);
        return new MapInput(array.Length, (walk, offset, length) => [walk.Value(ViewOperations.Chunk(array, offset, length), name)]);
    }

    public static MapInput Of<T1, T2>(IEnumerable<T1> first, IEnumerable<T2> second) =>
        Join(Of(first, nameof(first)), Of(second, nameof(second)));

    public static MapInput Of<T1, T2, T3>(IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third) =>
        Join(Of(first, nameof(first)), Of(second, nameof(second)), Of(third, nameof(third)));

    public static MapInput Of<T1, T2, T3, T4>(IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third, IEnumerable<T4> fourth) =>
        Join(Of(first, nameof(first)), Of(second, nameof(second)), Of(third, nameof(third)), Of(fourth, nameof(fourth)));

    private static MapInput Join(params MapInput[] sequences) =>
        new(sequences.Min(s => s.Count), (walk, offset, length) => [.. sequences.SelectMany(s => s.Cut(walk, offset, length))])
        {
            Arity = sequences.Length,
        };
}
