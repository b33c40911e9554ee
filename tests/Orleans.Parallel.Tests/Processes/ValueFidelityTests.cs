using System.Collections.Immutable;
using System.Numerics;
using Orleans.Parallel.Testing;
using Orleans.Parallel.Views;

namespace Orleans.Parallel.Tests.Processes;

// ---- The user's own types, as a client program would declare them. ----

public enum VfColor { Red, Green, Blue }

[Flags]
public enum VfAccess { None = 0, Read = 1, Write = 2, Execute = 4, All = Read | Write | Execute }

public enum VfLevel : byte { Low = 1, High = 255 }

/// <summary>A positional record.</summary>
public sealed record VfPoint(double X, double Y);

/// <summary>A record with init-only properties.</summary>
public sealed record VfPerson
{
    public string Name { get; init; } = "";
    public int Age { get; init; }
    public VfColor Favourite { get; init; }
}

/// <summary>A record whose fields are framework values that need care to keep (kinds, offsets, scales, bits).</summary>
public sealed record VfStamped(
    DateTime Utc, DateTime Local, DateTime Unspecified, DateTimeOffset Offset, TimeSpan Span,
    decimal Amount, BigInteger Big, Guid Id, VfLevel Level, char Letter, float Single, double NegativeZero);

/// <summary>A record with a field of type object.</summary>
public sealed record VfBox(object? Content);

/// <summary>No parameterless constructor, a private readonly field and a property with a private setter.</summary>
public sealed class VfAccount
{
    private readonly string _owner;

    public VfAccount(string owner, decimal opening)
    {
        _owner = owner;
        Balance = opening;
    }

    public string Owner => _owner;
    public decimal Balance { get; private set; }
    public void Deposit(decimal amount) => Balance += amount;
}

/// <summary>A base class whose private field has the same name as one in its derived class.</summary>
public class VfBase(int baseSecret)
{
    private readonly int _secret = baseSecret;
    public int BaseSecret => _secret;
}

public sealed class VfDerived(int baseSecret, int derivedSecret) : VfBase(baseSecret)
{
    private readonly int _secret = derivedSecret;
    public int DerivedSecret => _secret;
}

/// <summary>A node of a graph with cycles and shared nodes.</summary>
public sealed class VfNode(string name)
{
    public string Name { get; } = name;
    public VfNode? Next { get; set; }
    public VfNode? Shared { get; set; }
    public List<VfNode> Children { get; } = [];
}

/// <summary>Holds a list that another holder may share.</summary>
public sealed class VfHolder(List<int> items)
{
    public List<int> Items { get; } = items;
}

public sealed class VfPair(VfHolder first, VfHolder second)
{
    public VfHolder First { get; } = first;
    public VfHolder Second { get; } = second;
}

/// <summary>A user struct with a private field.</summary>
public struct VfMeasurement
{
    private readonly int _precision;

    public VfMeasurement(double value, string unit, int precision)
    {
        Value = value;
        Unit = unit;
        _precision = precision;
    }

    public double Value { get; set; }
    public string Unit { get; set; }
    public readonly int Precision => _precision;
}

/// <summary>How a value travels in a case: pushed then pulled typed, pushed then pulled untyped, or as an Apply argument and result.</summary>
public enum VfRoute { PullTyped, PullUntyped, ApplyArgument }

/// <summary>One real silo process with two engines, and a client connected to it, for the whole test class.</summary>
public sealed class VfSiloFixture : IAsyncLifetime
{
    public SiloProcess Silo { get; private set; } = null!;
    public ParallelClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Silo = await SiloProcess.StartAsync(engines: 2);
        Client = await ParallelClient.ConnectAsync(Silo.ClientOptions);
        await Client.WaitForEnginesAsync(2, TimeSpan.FromSeconds(30));
        // One Apply loads this test assembly into the session on the engines, so the value cases do
        // not depend on which test runs first (a session whose first request is a push of a user
        // type is covered on its own, by UserRecord_PushedAsFirstRequestOfSession_ComesBack).
        await Client[..].ApplyAsync(() => 0);
    }

    public async Task DisposeAsync()
    {
        if (Client is not null) await Client.DisposeAsync();
        if (Silo is not null) await Silo.DisposeAsync();
    }
}

/// <summary>
/// Round-trip fidelity, value by value, through a separate silo process: every value pushed to an
/// engine and pulled back (typed and untyped), or passed to Apply and returned, must come back
/// equal and of the same runtime type.
/// </summary>
public sealed class ValueFidelityTests(VfSiloFixture fixture) : IClassFixture<VfSiloFixture>
{
    private static int _variables;

    private EngineView Engine => fixture.Client[0];

    /// <summary>The function Apply runs: a generic method of a non-generic class (lambdas inside generic types cannot be sent).</summary>
    public static T Identity<T>(T x) => x;

    /// <summary>Sends <paramref name="value"/> one way and returns what came back, checked to be of the same runtime type.</summary>
    private static async Task<T> RoundTripAsync<T>(EngineView engine, T value, VfRoute route)
    {
        var variable = $"vf_{Interlocked.Increment(ref _variables)}";
        T back;
        switch (route)
        {
            case VfRoute.PullTyped:
                await engine.PushAsync(new Dictionary<string, object?> { [variable] = value });
                back = await engine.PullAsync<T>(variable);
                break;
            case VfRoute.PullUntyped:
                await engine.PushAsync(new Dictionary<string, object?> { [variable] = value });
                var untyped = await engine.PullAsync(variable);
                AssertSameType(value, untyped);
                back = (T)untyped!;
                break;
            default:
                back = await engine.ApplyAsync(new Func<T, T>(Identity), value);
                break;
        }
        AssertSameType(value, back);
        return back;
    }

    private static void AssertSameType(object? expected, object? actual)
    {
        if (expected is null) Assert.Null(actual);
        else
        {
            Assert.NotNull(actual);
            Assert.Equal(expected.GetType(), actual.GetType());
        }
    }

    // ---- Case tables: one name per value, each run by every route. ----

    private abstract class Case
    {
        public abstract Task CheckAsync(EngineView engine, VfRoute route);
    }

    private sealed class Case<T>(Func<T> make, Action<T, T> equal) : Case
    {
        public override async Task CheckAsync(EngineView engine, VfRoute route)
        {
            var value = make();
            var back = await RoundTripAsync(engine, value, route);
            if (value is not null) equal(value, back);
        }
    }

    private static Case Of<T>(Func<T> make) => new Case<T>(make, (e, a) => Assert.Equal(e, a));

    private static Case Of<T>(Func<T> make, Action<T, T> equal) => new Case<T>(make, equal);

    private static IEnumerable<object[]> Rows(Dictionary<string, Case> cases) =>
        from name in cases.Keys from route in Enum.GetValues<VfRoute>() select new object[] { name, route };

    private static void SameBits(float e, float a) => Assert.Equal(BitConverter.SingleToInt32Bits(e), BitConverter.SingleToInt32Bits(a));

    private static void SameBits(double e, double a) => Assert.Equal(BitConverter.DoubleToInt64Bits(e), BitConverter.DoubleToInt64Bits(a));

    private static void SameDecimal(decimal e, decimal a) => Assert.Equal(decimal.GetBits(e), decimal.GetBits(a));

    private static void SameDateTime(DateTime e, DateTime a)
    {
        Assert.Equal(e.Kind, a.Kind);
        Assert.Equal(e.Ticks, a.Ticks);
    }

    private static void SameDateTimeOffset(DateTimeOffset e, DateTimeOffset a)
    {
        Assert.Equal(e.Offset, a.Offset);
        Assert.Equal(e.Ticks, a.Ticks);
    }

    /// <summary>Rank, lower bounds, lengths and elements (in row-major order) of two arrays.</summary>
    private static void SameArray(Array e, Array a)
    {
        Assert.Equal(e.Rank, a.Rank);
        for (var d = 0; d < e.Rank; d++)
        {
            Assert.Equal(e.GetLowerBound(d), a.GetLowerBound(d));
            Assert.Equal(e.GetLength(d), a.GetLength(d));
        }
        Assert.Equal(e.Cast<object?>(), a.Cast<object?>());
    }

    /// <summary>Element by element: every element's runtime type first (all listed when they differ), then the values.</summary>
    private static void SameItems(IEnumerable<object?> e, IEnumerable<object?> a)
    {
        string Types(IEnumerable<object?> items) => string.Join(", ", items.Select(x => x?.GetType().Name ?? "null"));
        var (expected, actual) = (Types(e), Types(a));
        Assert.True(expected == actual, $"The elements' runtime types differ.\nExpected: {expected}\nActual:   {actual}");
        Assert.Equal(e, a);
    }

    /// <summary>The UTF-16 code units of a string, as hex, so a replaced surrogate shows.</summary>
    private static string CodeUnits(string s) => string.Join(" ", s.Select(c => ((int)c).ToString("X4")));

    private static T[] Filled<T>(int length, Func<int, T> item) => Enumerable.Range(0, length).Select(item).ToArray();

    private static readonly Dictionary<string, Case> PrimitiveCases = new()
    {
        ["bool true"] = Of(() => true),
        ["bool false"] = Of(() => false),
        ["byte max"] = Of(() => byte.MaxValue),
        ["sbyte min"] = Of(() => sbyte.MinValue),
        ["char ascii"] = Of(() => 'a'),
        ["char nul"] = Of(() => '\0'),
        ["char max"] = Of(() => char.MaxValue),
        ["short min"] = Of(() => short.MinValue),
        ["ushort max"] = Of(() => ushort.MaxValue),
        ["int min"] = Of(() => int.MinValue),
        ["int max"] = Of(() => int.MaxValue),
        ["uint max"] = Of(() => uint.MaxValue),
        ["long min"] = Of(() => long.MinValue),
        ["ulong max"] = Of(() => ulong.MaxValue),
    };

    private static readonly Dictionary<string, Case> FloatCases = new()
    {
        ["float pi"] = Of(() => MathF.PI, SameBits),
        ["float NaN"] = Of(() => float.NaN, SameBits),
        ["float +Infinity"] = Of(() => float.PositiveInfinity, SameBits),
        ["float -Infinity"] = Of(() => float.NegativeInfinity, SameBits),
        ["float epsilon"] = Of(() => float.Epsilon, SameBits),
        ["float -0"] = Of(() => -0.0f, SameBits),
        ["double pi"] = Of(() => Math.PI, SameBits),
        ["double NaN"] = Of(() => double.NaN, SameBits),
        ["double +Infinity"] = Of(() => double.PositiveInfinity, SameBits),
        ["double -Infinity"] = Of(() => double.NegativeInfinity, SameBits),
        ["double -0"] = Of(() => -0.0, SameBits),
        ["double epsilon"] = Of(() => double.Epsilon, SameBits),
        ["double max"] = Of(() => double.MaxValue, SameBits),
    };

    private static readonly Dictionary<string, Case> StringCases = new()
    {
        ["empty"] = Of(() => ""),
        ["ascii"] = Of(() => "plain text"),
        ["unicode"] = Of(() => "héllo wörld — Ελληνικά 日本語 🎉 \u0000 tab\tnew\nline"),
        ["1 MB"] = Of(() => new string('x', 1 << 20)),
    };

    private static readonly Dictionary<string, Case> EnumCases = new()
    {
        ["enum"] = Of(() => VfColor.Blue),
        ["flags combination"] = Of(() => VfAccess.Read | VfAccess.Execute),
        ["flags undefined bits"] = Of(() => (VfAccess)64),
        ["byte-backed enum"] = Of(() => VfLevel.High),
        ["framework enum"] = Of(() => DayOfWeek.Friday),
        ["enum array"] = Of(() => new[] { VfColor.Red, VfColor.Blue }),
    };

    private static readonly DateTime Moment = new DateTime(2024, 3, 10, 8, 30, 15, DateTimeKind.Unspecified).AddTicks(1234567);

    private static readonly Dictionary<string, Case> DateAndNumberCases = new()
    {
        ["DateTime Utc"] = Of(() => DateTime.SpecifyKind(Moment, DateTimeKind.Utc), SameDateTime),
        ["DateTime Local"] = Of(() => DateTime.SpecifyKind(Moment, DateTimeKind.Local), SameDateTime),
        ["DateTime Unspecified"] = Of(() => Moment, SameDateTime),
        ["DateTime max"] = Of(() => DateTime.MaxValue, SameDateTime),
        ["DateTimeOffset +05:30"] = Of(() => new DateTimeOffset(Moment, TimeSpan.FromMinutes(330)), SameDateTimeOffset),
        ["DateTimeOffset -08:00"] = Of(() => new DateTimeOffset(Moment, TimeSpan.FromHours(-8)), SameDateTimeOffset),
        ["TimeSpan"] = Of(() => new TimeSpan(3, 4, 5, 6, 789).Add(TimeSpan.FromTicks(1)).Negate()),
        ["decimal 28 digits"] = Of(() => 1234567890.123456789012345678m, SameDecimal),
        ["decimal smallest"] = Of(() => 0.0000000000000000000000000001m, SameDecimal),
        ["decimal scale kept"] = Of(() => 1.10m, SameDecimal),
        ["decimal max"] = Of(() => decimal.MaxValue, SameDecimal),
        ["decimal min"] = Of(() => decimal.MinValue, SameDecimal),
        ["Guid"] = Of(() => Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e")),
        ["Guid empty"] = Of(() => Guid.Empty),
        ["BigInteger huge"] = Of(() => BigInteger.Pow(3, 2000) + 1),
        ["BigInteger huge negative"] = Of(() => -BigInteger.Pow(7, 777)),
        ["int? with value"] = Of<int?>(() => 42),
        ["int? without value"] = Of<int?>(() => null),
        ["string null"] = Of<string?>(() => null),
        ["record null"] = Of<VfPoint?>(() => null),
        ["DateTime? with value"] = Of<DateTime?>(() => DateTime.SpecifyKind(Moment, DateTimeKind.Utc)),
    };

    private static readonly Dictionary<string, Case> ArrayCases = new()
    {
        ["int[] empty"] = Of(Array.Empty<int>),
        ["int[] small"] = Of(() => new[] { 1, -2, int.MaxValue, int.MinValue }),
        ["bool[] small"] = Of(() => new[] { true, false, true }),
        ["byte[] small"] = Of(() => new byte[] { 0, 1, 255 }),
        ["sbyte[] small"] = Of(() => new sbyte[] { -128, 0, 127 }),
        ["char[] small"] = Of(() => "héllo 🎉".ToCharArray()),
        ["short[] small"] = Of(() => new short[] { short.MinValue, 0, short.MaxValue }),
        ["ushort[] small"] = Of(() => new ushort[] { 0, ushort.MaxValue }),
        ["uint[] small"] = Of(() => new uint[] { 0, uint.MaxValue }),
        ["long[] small"] = Of(() => new[] { long.MinValue, 0L, long.MaxValue }),
        ["ulong[] small"] = Of(() => new[] { 0UL, ulong.MaxValue }),
        ["float[] small"] = Of(() => new[] { 1.5f, float.NaN, -0.0f, float.NegativeInfinity },
            (e, a) => Assert.Equal(e.Select(BitConverter.SingleToInt32Bits), a.Select(BitConverter.SingleToInt32Bits))),
        ["double[] small"] = Of(() => new[] { 1.5, double.NaN, -0.0, double.PositiveInfinity },
            (e, a) => Assert.Equal(e.Select(BitConverter.DoubleToInt64Bits), a.Select(BitConverter.DoubleToInt64Bits))),
        ["decimal[]"] = Of(() => new[] { 1.10m, decimal.MaxValue },
            (e, a) => Assert.Equal(e.Select(decimal.GetBits), a.Select(decimal.GetBits))),
        ["double[] 800 KB"] = Of(() => Filled(100_000, i => i * 0.25 - 7)),
        ["int[] 400 KB"] = Of(() => Filled(100_000, i => i * 7919 - 100)),
        ["long[] 800 KB"] = Of(() => Filled(100_000, i => (long)i << 33)),
        ["byte[] 300 KB"] = Of(() => Filled(300_000, i => (byte)(i * 31))),
        ["bool[] 300 KB"] = Of(() => Filled(300_000, i => i % 3 == 0)),
        ["char[] 400 KB"] = Of(() => Filled(200_000, i => (char)(i % 0xD000))),
        ["float[] 400 KB"] = Of(() => Filled(100_000, i => i / 3f)),
        ["string[]"] = Of(() => new[] { "a", "", "日本", null }),
        ["jagged int[][]"] = Of(() => new[] { new[] { 1, 2, 3 }, Array.Empty<int>(), new[] { 4 } }),
        ["multi-dimensional int[,]"] = Of(() => new[,] { { 1, 2, 3, 4 }, { 5, 6, 7, 8 }, { 9, 10, 11, 12 } }, SameArray),
        ["multi-dimensional double[,,]"] = Of(() =>
        {
            var cube = new double[2, 3, 4];
            for (var i = 0; i < 2; i++) for (var j = 0; j < 3; j++) for (var k = 0; k < 4; k++) cube[i, j, k] = i * 100 + j * 10 + k + 0.5;
            return cube;
        }, SameArray),
        ["record[]"] = Of(() => new[] { new VfPoint(1, 2), new VfPoint(3, 4) }),
    };

    private static readonly Dictionary<string, Case> CollectionCases = new()
    {
        ["List<int>"] = Of(() => new List<int> { 3, 1, 2 }),
        ["List<string>"] = Of(() => new List<string?> { "x", null, "" }),
        ["List<double> NaN"] = Of(() => new List<double> { double.NaN, 1.5 }),
        ["Dictionary<string,int>"] = Of(() => new Dictionary<string, int> { ["one"] = 1, ["two"] = 2 }),
        ["Dictionary<int,List<string>>"] = Of(() => new Dictionary<int, List<string>> { [1] = ["a", "b"], [2] = [] }),
        ["HashSet<int>"] = Of(() => new HashSet<int> { 5, 3, 9 }),
        ["SortedDictionary<string,int>"] = Of(() => new SortedDictionary<string, int> { ["b"] = 2, ["a"] = 1, ["c"] = 3 },
            (e, a) => Assert.Equal(e.ToList(), a.ToList())),
        // ImmutableArray<T>.Equals compares the underlying arrays by reference: compare the elements.
        ["ImmutableArray<int>"] = Of(() => ImmutableArray.Create(1, 2, 3), (e, a) => Assert.Equal(e.ToArray(), a.ToArray())),
        ["ImmutableList<string>"] = Of(() => ImmutableList.Create("a", "b")),
        ["ImmutableDictionary<string,int>"] = Of(() => ImmutableDictionary.CreateRange(new Dictionary<string, int> { ["a"] = 1, ["b"] = 2 })),
        ["ImmutableHashSet<int>"] = Of(() => ImmutableHashSet.Create(4, 5, 6)),
        ["List<object> numbers and strings"] = Of(() => new List<object?> { 1, 2L, 3.5, 4.5f, 5m, "six", 'c', (byte)7, null },
            (e, a) => SameItems(e, a)),
        ["List<object> records and strings"] = Of(() => new List<object?> { new VfPoint(1, 2), "text", new VfPerson { Name = "Ann", Age = 30 } },
            (e, a) => SameItems(e, a)),
        ["List<object> records, strings and numbers"] = Of(() => new List<object?>
            {
                new VfPoint(1, 2), "text", 42, 7L, 3.5, 2.5f, 1.10m, (byte)9, 'c', VfColor.Green,
                new VfPerson { Name = "Ann", Age = 30, Favourite = VfColor.Blue }, null,
            },
            (e, a) => SameItems(e, a)),
        ["Dictionary<string,VfPerson>"] = Of(() => new Dictionary<string, VfPerson>
        {
            ["ann"] = new() { Name = "Ann", Age = 30, Favourite = VfColor.Red },
            ["bob"] = new() { Name = "Bob", Age = 41, Favourite = VfColor.Green },
        }),
        ["List<VfPoint> 400 KB of text"] = Of(() => Enumerable.Range(0, 10_000).Select(i => new VfPoint(i, -i * 0.5)).ToList()),
    };

    private static readonly Dictionary<string, Case> TupleCases = new()
    {
        ["Tuple<int,string>"] = Of(() => Tuple.Create(1, "one")),
        ["ValueTuple (int,string,double)"] = Of(() => (1, "one", 1.5)),
        ["nested ValueTuple"] = Of(() => ((1, "a"), (2.5, (true, 'z')))),
        ["ValueTuple of 9"] = Of(() => (1, 2, 3, 4, 5, 6, 7, 8, 9)),
        ["nested Tuple"] = Of(() => Tuple.Create(Tuple.Create(1, "a"), (2L, "b"))),
        ["ValueTuple with record"] = Of(() => (7, new VfPoint(1, 2))),
    };

    private static readonly Dictionary<string, Case> UserTypeCases = new()
    {
        ["positional record"] = Of(() => new VfPoint(1.5, -2)),
        ["record with init properties"] = Of(() => new VfPerson { Name = "Zoë", Age = 7, Favourite = VfColor.Green }),
        ["class with private fields and no parameterless constructor"] = Of(() =>
        {
            var account = new VfAccount("Ada", 10.50m);
            account.Deposit(0.25m);
            return account;
        }, (e, a) =>
        {
            Assert.Equal(e.Owner, a.Owner);
            SameDecimal(e.Balance, a.Balance);
        }),
        ["user struct"] = Of(() => new VfMeasurement(9.81, "m/s²", 3), (e, a) =>
        {
            Assert.Equal(e.Value, a.Value);
            Assert.Equal(e.Unit, a.Unit);
            Assert.Equal(e.Precision, a.Precision);
        }),
        ["record of framework values"] = Of(() => new VfStamped(
            DateTime.SpecifyKind(Moment, DateTimeKind.Utc), DateTime.SpecifyKind(Moment, DateTimeKind.Local), Moment,
            new DateTimeOffset(Moment, TimeSpan.FromMinutes(330)), TimeSpan.FromTicks(-1234567891),
            1.10m, BigInteger.Pow(3, 200), Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"), VfLevel.High, '\uFFFF', float.NaN, -0.0),
            (e, a) =>
            {
                SameDateTime(e.Utc, a.Utc);
                SameDateTime(e.Local, a.Local);
                SameDateTime(e.Unspecified, a.Unspecified);
                SameDateTimeOffset(e.Offset, a.Offset);
                Assert.Equal(e.Span, a.Span);
                SameDecimal(e.Amount, a.Amount);
                Assert.Equal(e.Big, a.Big);
                Assert.Equal(e.Id, a.Id);
                Assert.Equal(e.Level, a.Level);
                Assert.Equal(e.Letter, a.Letter);
                SameBits(e.Single, a.Single);
                SameBits(e.NegativeZero, a.NegativeZero);
            }),
        ["record with object field holding an int"] = Of(() => new VfBox(42), (e, a) => SameItems([e.Content], [a.Content])),
        ["record with object field holding a DateTime"] = Of(() => new VfBox(DateTime.SpecifyKind(Moment, DateTimeKind.Utc)),
            (e, a) => SameItems([e.Content], [a.Content])),
        ["anonymous type"] = Of(() => new { Id = 7, Name = "anon", When = 1.5 }),
    };

    public static IEnumerable<object[]> Primitives => Rows(PrimitiveCases);
    public static IEnumerable<object[]> Floats => Rows(FloatCases);
    public static IEnumerable<object[]> Strings => Rows(StringCases);
    public static IEnumerable<object[]> Enums => Rows(EnumCases);
    public static IEnumerable<object[]> DatesAndNumbers => Rows(DateAndNumberCases);
    public static IEnumerable<object[]> Arrays => Rows(ArrayCases);
    public static IEnumerable<object[]> Collections => Rows(CollectionCases);
    public static IEnumerable<object[]> Tuples => Rows(TupleCases);
    public static IEnumerable<object[]> UserTypes => Rows(UserTypeCases);
    public static IEnumerable<object[]> AllRoutes => Enum.GetValues<VfRoute>().Select(r => new object[] { r });

    [Theory, MemberData(nameof(Primitives))]
    public Task Primitive_ComesBackEqualWithSameType(string @case, VfRoute route) => PrimitiveCases[@case].CheckAsync(Engine, route);

    [Theory, MemberData(nameof(Floats))]
    public Task FloatingPoint_ComesBackBitForBit(string @case, VfRoute route) => FloatCases[@case].CheckAsync(Engine, route);

    [Theory, MemberData(nameof(Strings))]
    public Task String_ComesBackEqual(string @case, VfRoute route) => StringCases[@case].CheckAsync(Engine, route);

    [Theory, MemberData(nameof(Enums))]
    public Task Enum_ComesBackEqualWithSameType(string @case, VfRoute route) => EnumCases[@case].CheckAsync(Engine, route);

    [Theory, MemberData(nameof(DatesAndNumbers))]
    public Task DateNumberOrNullable_ComesBackWithKindOffsetAndScale(string @case, VfRoute route) => DateAndNumberCases[@case].CheckAsync(Engine, route);

    [Theory, MemberData(nameof(Arrays))]
    public Task Array_ComesBackWithSameShapeAndElements(string @case, VfRoute route) => ArrayCases[@case].CheckAsync(Engine, route);

    [Theory, MemberData(nameof(Collections))]
    public Task Collection_ComesBackStructurallyEqualWithSameType(string @case, VfRoute route) => CollectionCases[@case].CheckAsync(Engine, route);

    [Theory, MemberData(nameof(Tuples))]
    public Task Tuple_ComesBackEqualWithSameType(string @case, VfRoute route) => TupleCases[@case].CheckAsync(Engine, route);

    [Theory, MemberData(nameof(UserTypes))]
    public Task UserType_ComesBackWithEveryField(string @case, VfRoute route) => UserTypeCases[@case].CheckAsync(Engine, route);

    [Fact]
    public async Task NullVariable_PullsBackAsNull()
    {
        await Engine.PushAsync(new Dictionary<string, object?> { ["vf_null"] = null });
        Assert.Null(await Engine.PullAsync("vf_null"));
        Assert.Null(await Engine.PullAsync<string?>("vf_null"));
        Assert.Null(await Engine.PullAsync<int?>("vf_null"));
        Assert.Null(await Engine.PullAsync<VfPoint?>("vf_null"));
    }

    /// <summary>
    /// A new session whose first request pushes a value of a user type: the engine must load the
    /// type's assembly for that session before it rebuilds the value.
    /// </summary>
    [Fact]
    public async Task UserRecord_PushedAsFirstRequestOfSession_ComesBack()
    {
        await using var rc = await ParallelClient.ConnectAsync(fixture.Silo.ClientOptions);
        await rc.WaitForEnginesAsync(2, TimeSpan.FromSeconds(30));
        await rc[1].PushAsync(new Dictionary<string, object?> { ["vf_first"] = new VfPoint(1, 2) });
        Assert.Equal(new VfPoint(1, 2), await rc[1].PullAsync<VfPoint>("vf_first"));
    }

    [Fact]
    public async Task ApplyLambda_RecordArgument_ComesBackEqual()
    {
        // The literal (T x) => x form, for one concrete type.
        var back = await Engine.ApplyAsync((VfPoint p) => p, new VfPoint(3, 4));
        Assert.Equal(new VfPoint(3, 4), back);
        Assert.Equal(42L, await Engine.ApplyAsync((long x) => x, 42L));
    }

    [Theory, MemberData(nameof(AllRoutes))]
    public async Task ClassHierarchy_SameNamedPrivateFields_KeepBoth(VfRoute route)
    {
        VfBase value = new VfDerived(baseSecret: 11, derivedSecret: 22);
        var back = await RoundTripAsync(Engine, value, route);
        var derived = Assert.IsType<VfDerived>(back);
        Assert.Equal(11, derived.BaseSecret);
        Assert.Equal(22, derived.DerivedSecret);
    }

    [Theory, MemberData(nameof(AllRoutes))]
    public async Task ListOfBaseType_KeepsEachElementsRuntimeType(VfRoute route)
    {
        var value = new List<VfBase> { new(1), new VfDerived(2, 3) };
        var back = await RoundTripAsync(Engine, value, route);
        Assert.Equal(2, back.Count);
        Assert.Equal(typeof(VfBase), back[0].GetType());
        Assert.Equal(1, back[0].BaseSecret);
        var derived = Assert.IsType<VfDerived>(back[1]);
        Assert.Equal((2, 3), (derived.BaseSecret, derived.DerivedSecret));
    }

    [Theory, MemberData(nameof(AllRoutes))]
    public async Task ObjectGraph_CycleAndSharedReference_KeepIdentity(VfRoute route)
    {
        var shared = new VfNode("shared");
        var a = new VfNode("a") { Shared = shared };
        var b = new VfNode("b") { Next = a, Shared = shared };
        a.Next = b;
        a.Children.Add(shared);
        a.Children.Add(b);

        var back = await RoundTripAsync(Engine, a, route);

        Assert.Equal("a", back.Name);
        var backB = back.Next!;
        Assert.Equal("b", backB.Name);
        Assert.Same(back, backB.Next);
        Assert.Equal("shared", back.Shared!.Name);
        Assert.Same(back.Shared, backB.Shared);
        Assert.Equal(2, back.Children.Count);
        Assert.Same(back.Shared, back.Children[0]);
        Assert.Same(backB, back.Children[1]);
        Assert.Null(back.Shared.Next);
    }

    [Theory, MemberData(nameof(AllRoutes))]
    public async Task ObjectGraph_SharedList_KeepsIdentity(VfRoute route)
    {
        var items = new List<int> { 1, 2, 3 };
        var back = await RoundTripAsync(Engine, new VfPair(new VfHolder(items), new VfHolder(items)), route);
        Assert.Equal(items, back.First.Items);
        Assert.Same(back.First.Items, back.Second.Items);
    }

    [Theory, MemberData(nameof(AllRoutes))]
    public async Task ListOfObject_SameRecordTwice_KeepsIdentity(VfRoute route)
    {
        var person = new VfPerson { Name = "Ann", Age = 30 };
        var back = await RoundTripAsync(Engine, new List<object> { person, "x", person }, route);
        Assert.Same(back[0], back[2]);
        Assert.Equal(person, back[0]);
    }

    /// <summary>Scripts see a pushed value of an uploaded user type with its own type, and can use its members.</summary>
    [Fact]
    public async Task Execute_PushedUserRecord_ScriptSeesItsType()
    {
        var rc = fixture.Client;
        await rc[1].ApplyAsync(() => 0); // the session's code context exists
        await rc[1].PushAsync(new { vf_script_point = new VfPoint(3, 4) });
        await rc[1].ExecuteAsync("var vf_script_norm = Math.Sqrt(vf_script_point.X * vf_script_point.X + vf_script_point.Y * vf_script_point.Y); var vf_script_moved = vf_script_point with { X = 10 };");
        Assert.Equal(5.0, await rc[1].PullAsync<double>("vf_script_norm"));
        Assert.Equal(new VfPoint(10, 4), await rc[1].PullAsync<VfPoint>("vf_script_moved"));
    }
}
