namespace Orleans.Parallel.Tests.Processes.FunctionShipping;

/// <summary>A record of the test assembly, used as argument, item and result.</summary>
public sealed record FsPerson(string Name, int Age);

/// <summary>A record of the test assembly that functions build on the engine.</summary>
public sealed record FsRect(double Width, double Height);

/// <summary>A record of the test assembly returned from engines.</summary>
public sealed record FsSummary(string Label, double Value);

/// <summary>A plain class of the test assembly with private state, created and used on the engine.</summary>
public sealed class FsAccumulator
{
    private readonly List<double> _items = [];

    public FsAccumulator Add(double value)
    {
        _items.Add(value);
        return this;
    }

    public double Total => _items.Sum();

    public int Count => _items.Count;
}

/// <summary>Static helpers of the test assembly that shipped functions call.</summary>
public static class FsGeometry
{
    public static double Area(FsRect rect) => rect.Width * rect.Height;

    public static FsSummary Summarize(string label, IEnumerable<FsRect> rects)
    {
        var total = rects.Aggregate(new FsAccumulator(), (acc, r) => acc.Add(Area(r)));
        return new FsSummary($"{label}:{total.Count}", total.Total);
    }

    /// <summary>A generic static method, shipped as <c>Twice&lt;int&gt;</c> and <c>Twice&lt;string&gt;</c>.</summary>
    public static T Twice<T>(T x) => x switch
    {
        int i => (T)(object)(i * 2),
        string s => (T)(object)(s + s),
        _ => throw new NotSupportedException($"Twice of a {typeof(T)}"),
    };

    public static string Describe(FsPerson person) => $"{person.Name} ({person.Age})";
}

/// <summary>
/// An object whose lambdas read its own field: the delegate's target is the object itself (or a
/// closure holding it), so the object travels with the function.
/// </summary>
public sealed class FsScaler(int factor)
{
    private readonly int _factor = factor;

    /// <summary>A lambda that captures only <c>this</c>: compiled as an instance method of this class.</summary>
    public Func<int, int> Scale() => x => x * _factor;

    /// <summary>A lambda that captures <c>this</c> and a parameter: compiled into a closure class holding both.</summary>
    public Func<int, int> ScaleAndShift(int shift) => x => x * _factor + shift;

    /// <summary>An instance method passed as a method group (<c>scaler.Multiply</c>).</summary>
    public int Multiply(int x) => x * _factor;
}

/// <summary>An object holding something that cannot travel; a lambda reading it captures <c>this</c>.</summary>
public sealed class FsStreamHolder : IDisposable
{
    private readonly MemoryStream _journal = new([1, 2, 3]);

    public Func<int, long> JournalLengthPlus() => x => _journal.Length + x;

    public void Dispose() => _journal.Dispose();
}
