using System.Net.Sockets;
using System.Reflection;
using System.Runtime.Loader;
using Xunit.Abstractions;
using Orleans.Parallel.Testing;
using Orleans.Parallel.Tests.Processes.FunctionShipping;
using Orleans.Parallel.Views;

namespace Orleans.Parallel.Tests.Processes;

/// <summary>
/// One real silo process (2 engines) for <see cref="FunctionShippingTests"/>. The silo process never
/// has the test assembly: every function and user type below reaches it by upload.
/// </summary>
public sealed class FunctionShippingSilo : IAsyncLifetime
{
    public const int Engines = 2;

    private SiloProcess? _silo;
    private ParallelClient? _client;

    public SiloProcess Silo => _silo ?? throw new InvalidOperationException("The silo has not started.");
    public ParallelClient Client => _client ?? throw new InvalidOperationException("The client has not connected.");

    /// <summary>Another client of the same silo (its own session, its own uploads).</summary>
    public async Task<ParallelClient> ConnectAsync()
    {
        var client = await ParallelClient.ConnectAsync(Silo.ClientOptions);
        await client.WaitForEnginesAsync(Engines, TimeSpan.FromSeconds(30));
        return client;
    }

    public async Task InitializeAsync()
    {
        _silo = await SiloProcess.StartAsync(engines: Engines);
        _client = await ConnectAsync();
        // The session's first function of the test assembly uploads that assembly and everything it
        // references that the silo lacks (xunit, the testing host…), hashing each on the way, and
        // the engines load them: on a loaded 2-core machine in Debug that took over a minute, inside
        // whichever test came first and under its patience. Paid here, once, with room for it.
        await _client[..].ApplyAsync(() => 1).AsTask().WaitAsync(TimeSpan.FromMinutes(5));
    }

    public async Task DisposeAsync()
    {
        if (_client is not null) await _client.DisposeAsync();
        if (_silo is not null) await _silo.DisposeAsync();
    }
}

/// <summary>
/// Apply, Map and Push take any delegate to a separate silo process: lambdas and their captures,
/// fields of the enclosing object, static, instance and generic method groups, async lambdas, code
/// of the test assembly and of libraries neither side was built with, and two builds of one
/// assembly from two clients at once. What cannot travel fails on the client before anything is sent.
/// </summary>
public sealed class FunctionShippingTests(FunctionShippingSilo fixture, ITestOutputHelper output) : IClassFixture<FunctionShippingSilo>
{
    private ParallelClient Rc => fixture.Client;

    private static int Square(int x) => x * x;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    // ---- 1. every kind of delegate -------------------------------------------------------------

    [Fact]
    public async Task Apply_LambdaWithCapturedLocals_UsesTheirValues()
    {
        var prefix = "sum=";
        var numbers = new[] { 1, 2, 3, 4 };
        var scale = 1.5;

        var results = await Rc[..].ApplyAsync((int extra) => prefix + (numbers.Sum() + extra) * scale, 2).AsTask().WaitAsync(Patience);
        Assert.Equal(["sum=18", "sum=18"], results);
        Assert.Equal(4, await Rc[1].ApplyAsync(() => numbers.Length).AsTask().WaitAsync(Patience));
    }

    [Fact]
    public async Task Apply_LambdaReadingFieldOfEnclosingObject_ObjectTravelsWithIt()
    {
        var scaler = new FsScaler(7);
        Func<int, int> scale = scaler.Scale();              // target: the FsScaler itself
        Func<int, int> scaleAndShift = scaler.ScaleAndShift(5); // target: a closure holding `this` and `shift`
        Assert.IsType<FsScaler>(scale.Target);

        Assert.Equal([42, 42], await Rc[..].ApplyAsync(scale, 6).AsTask().WaitAsync(Patience));
        Assert.Equal(47, await Rc[0].ApplyAsync(scaleAndShift, 6).AsTask().WaitAsync(Patience));
    }

    [Fact]
    public async Task Apply_StaticMethodGroups_OfTestClassAndHelperType_Run()
    {
        Func<int, int> square = Square;
        Func<FsRect, double> area = FsGeometry.Area;

        Assert.Equal([81, 81], await Rc[..].ApplyAsync(square, 9).AsTask().WaitAsync(Patience));
        Assert.Equal(7.5, await Rc[1].ApplyAsync(area, new FsRect(2.5, 3)).AsTask().WaitAsync(Patience));
    }

    [Fact]
    public async Task Apply_InstanceMethodGroup_OfHelperObject_RunsOnItsCopy()
    {
        var helper = new FsScaler(3);
        Func<int, int> multiply = helper.Multiply;

        Assert.Equal([33, 33], await Rc[..].ApplyAsync(multiply, 11).AsTask().WaitAsync(Patience));
        Assert.Equal(12, await Rc[0].ApplyAsync(multiply, 4).AsTask().WaitAsync(Patience));
    }

    [Fact]
    public async Task Apply_GenericStaticMethod_ForIntAndForString()
    {
        Func<int, int> twiceInt = FsGeometry.Twice<int>;
        Func<string, string> twiceString = FsGeometry.Twice<string>;

        Assert.Equal([42, 42], await Rc[..].ApplyAsync(twiceInt, 21).AsTask().WaitAsync(Patience));
        Assert.Equal(["abab", "abab"], await Rc[..].ApplyAsync(twiceString, "ab").AsTask().WaitAsync(Patience));
        // The same generic definition once more with the first type argument: each instantiation stays itself.
        Assert.Equal(10, await Rc[1].ApplyAsync(twiceInt, 5).AsTask().WaitAsync(Patience));
    }

    [Fact]
    public async Task Apply_AsyncLambda_EngineAwaitsIt()
    {
        var results = await Rc[..].ApplyAsync(async (int x) => { await Task.Delay(10); return x * 2; }, 21).AsTask().WaitAsync(Patience);
        Assert.Equal([42, 42], results);
    }

    /// <summary>
    /// An async lambda's body lives in its state machine's MoveNext, not in the lambda method: the
    /// captured values it reads there must travel too.
    /// </summary>
    [Fact]
    public async Task Apply_AsyncLambdaWithCaptures_CapturedValuesArrive()
    {
        var offset = 100;
        var label = "n=";
        Assert.Equal(105, await Rc[1].ApplyAsync(async (int x) => { await Task.Delay(10); return x + offset; }, 5).AsTask().WaitAsync(Patience));
        Assert.Equal(["n=5", "n=5"], await Rc[..].ApplyAsync(async (int x) => { await Task.Delay(10); return label + x; }, 5).AsTask().WaitAsync(Patience));
    }

    [Fact]
    public async Task Apply_LambdaUsingHelperMethodsRecordsAndClasses_OfTestAssembly()
    {
        var label = "rects";
        var summaries = await Rc[..].ApplyAsync(
            (int n) => FsGeometry.Summarize(label, Enumerable.Range(1, n).Select(i => new FsRect(i, 2))), 3).AsTask().WaitAsync(Patience);
        Assert.Equal([new FsSummary("rects:3", 12), new FsSummary("rects:3", 12)], summaries);

        var total = await Rc[0].ApplyAsync((FsRect r) => new FsAccumulator().Add(FsGeometry.Area(r)).Add(1).Total, new FsRect(2, 4))
            .AsTask().WaitAsync(Patience);
        Assert.Equal(9.0, total);
    }

    // ---- 2. a library that neither the silo nor the test assembly has ------------------------

    private const string DependencySource = """
        namespace FsDep
        {
            public sealed record Point(int X, int Y)
            {
                public int Manhattan => X + Y;
            }

            public static class Lib
            {
                public static int Compute(int x) => new Point(x, 6 * x).Manhattan + 1;
                public static string Label(int x) => "dep:" + new Point(x, -x);
                public static Point Make(int x) => new Point(x, x + 1);
            }
        }
        """;

    /// <summary>Emits FsDep_&lt;guid&gt; and loads it into the default context, as a package the client references.</summary>
    private static Assembly LoadDependency()
    {
        var path = LibraryBuilder.Emit($"FsDep_{Guid.NewGuid():N}", DependencySource);
        return AssemblyLoadContext.Default.LoadFromAssemblyPath(path);
    }

    [Fact]
    public async Task Apply_DelegateOfGeneratedLibrary_LibraryIsUploaded()
    {
        var dependency = LoadDependency();
        var compute = LibraryBuilder.StaticMethod<Func<int, int>>(dependency, "FsDep.Lib", "Compute");
        var label = LibraryBuilder.StaticMethod<Func<int, string>>(dependency, "FsDep.Lib", "Label");
        Assert.Equal(43, compute(6));

        Assert.Equal([43, 43], await Rc[..].ApplyAsync(compute, 6).AsTask().WaitAsync(Patience));
        Assert.Equal([label(2), label(2)], await Rc[..].ApplyAsync(label, 2).AsTask().WaitAsync(Patience));
    }

    [Fact]
    public async Task Apply_LambdaCallingGeneratedLibrary_LibraryTravelsInsideTheClosure()
    {
        var dependency = LoadDependency();
        var compute = LibraryBuilder.StaticMethod<Func<int, int>>(dependency, "FsDep.Lib", "Compute");

        var results = await Rc[..].ApplyAsync((int x) => compute(x) * 10 + Square(x), 2).AsTask().WaitAsync(Patience);
        Assert.Equal([154, 154], results);
    }

    [Fact]
    public async Task Apply_GeneratedLibraryReturnsItsOwnType_ValueComesBack()
    {
        var dependency = LoadDependency();
        var make = LibraryBuilder.StaticMethod<Func<int, object>>(dependency, "FsDep.Lib", "Make");

        var point = await Rc[0].ApplyAsync(make, 4).AsTask().WaitAsync(Patience);
        Assert.Equal("FsDep.Point", point.GetType().FullName);
        Assert.Same(dependency, point.GetType().Assembly);
        Assert.Equal(make(4), point);
    }

    [Fact]
    public async Task Apply_GeneratedLibraryWithItsOwnDependency_BothAreUploaded()
    {
        var suffix = Guid.NewGuid().ToString("N");
        var corePath = LibraryBuilder.Emit($"FsDepCore_{suffix}", "namespace FsDepCore { public static class Core { public static int Offset(int x) => 1000 + x; } }");
        var topPath = LibraryBuilder.Emit($"FsDepTop_{suffix}",
            "namespace FsDepTop { public static class Top { public static int Compute(int x) => FsDepCore.Core.Offset(x) * 2; } }", corePath);
        AssemblyLoadContext.Default.LoadFromAssemblyPath(corePath);
        var top = AssemblyLoadContext.Default.LoadFromAssemblyPath(topPath);
        var compute = LibraryBuilder.StaticMethod<Func<int, int>>(top, "FsDepTop.Top", "Compute");
        Assert.Equal(2010, compute(5));

        Assert.Equal([2010, 2010], await Rc[..].ApplyAsync(compute, 5).AsTask().WaitAsync(Patience));
    }

    // ---- 3. two builds of one assembly, two clients ---------------------------------------------

    private static string VersionedSource(int answer) => $$"""
        [assembly: System.Reflection.AssemblyVersion("1.0.0.0")]
        namespace FsVersioned
        {
            public static class Api
            {
                public static int Answer() => {{answer}};
            }
        }
        """;

    [Fact]
    public async Task TwoClients_TwoBuildsOfSameAssembly_EachClientAlwaysGetsItsOwnBuild()
    {
        var pathA = LibraryBuilder.Emit("FsVersioned", VersionedSource(1));
        var pathB = LibraryBuilder.Emit("FsVersioned", VersionedSource(2));
        var buildA = new PathLoadContext("fs-versioned-a").LoadFromAssemblyPath(pathA);
        var buildB = new PathLoadContext("fs-versioned-b").LoadFromAssemblyPath(pathB);
        Assert.Equal(buildA.FullName, buildB.FullName);
        Assert.NotEqual(buildA.ManifestModule.ModuleVersionId, buildB.ManifestModule.ModuleVersionId);

        var answerA = LibraryBuilder.StaticMethod<Func<int>>(buildA, "FsVersioned.Api", "Answer");
        var answerB = LibraryBuilder.StaticMethod<Func<int>>(buildB, "FsVersioned.Api", "Answer");
        Assert.Equal((1, 2), (answerA(), answerB()));

        await using var clientA = await fixture.ConnectAsync();
        await using var clientB = await fixture.ConnectAsync();

        var calls = new List<Task>();
        for (var round = 0; round < 6; round++)
        {
            calls.Add(Expect(clientA, answerA, 1));
            calls.Add(Expect(clientB, answerB, 2));
        }
        await Task.WhenAll(calls).WaitAsync(Patience);

        // The builds also travel inside closures of the (shared) test assembly, and through Map.
        Func<int, int> wrappedA = x => answerA() * 100 + x;
        Func<int, int> wrappedB = x => answerB() * 100 + x;
        var mapped = await Task.WhenAll(
            clientA[..].MapAsync(wrappedA, [1, 2, 3, 4]).AsTask(),
            clientB[..].MapAsync(wrappedB, [1, 2, 3, 4]).AsTask()).WaitAsync(Patience);
        Assert.Equal([101, 102, 103, 104], mapped[0]);
        Assert.Equal([201, 202, 203, 204], mapped[1]);

        static async Task Expect(ParallelClient client, Func<int> answer, int expected) =>
            Assert.Equal([expected, expected], await client[..].ApplyAsync(answer));
    }

    [Fact]
    public async Task OneClient_TwoBuildsOfSameAssembly_SecondBuildFailsNamingIt()
    {
        // One session holds one build of a name (one load context per session); a second build must
        // fail clearly rather than silently run the first one's code.
        var buildA = new PathLoadContext("fs-versioned-one-a").LoadFromAssemblyPath(LibraryBuilder.Emit("FsVersioned", VersionedSource(1)));
        var buildB = new PathLoadContext("fs-versioned-one-b").LoadFromAssemblyPath(LibraryBuilder.Emit("FsVersioned", VersionedSource(2)));
        var answerA = LibraryBuilder.StaticMethod<Func<int>>(buildA, "FsVersioned.Api", "Answer");
        var answerB = LibraryBuilder.StaticMethod<Func<int>>(buildB, "FsVersioned.Api", "Answer");

        await using var client = await fixture.ConnectAsync();
        Assert.Equal(1, await client[0].ApplyAsync(answerA).AsTask().WaitAsync(Patience));
        var error = await Assert.ThrowsAsync<Errors.RemoteException>(() => client[0].ApplyAsync(answerB).AsTask().WaitAsync(Patience));
        Assert.Contains("another build of FsVersioned", error.Message);
        Assert.Equal(1, await client[0].ApplyAsync(answerA).AsTask().WaitAsync(Patience));
    }

    // ---- 4. delegates as namespace values ---------------------------------------------------------

    [Fact]
    public async Task Push_Delegate_ScriptsAndApplyCallIt()
    {
        await Rc[0].PushAsync(new { f = (Func<int, int>)(x => x + 1) }).AsTask().WaitAsync(Patience);
        await Rc[0].ExecuteAsync("var y = f(41);").AsTask().WaitAsync(Patience);
        Assert.Equal(42, await Rc[0].PullAsync<int>("y").AsTask().WaitAsync(Patience));

        Assert.Equal(42, await Rc[0].ApplyAsync((Func<int, int> g) => g(41), new Reference<Func<int, int>>("f")).AsTask().WaitAsync(Patience));
        Assert.Equal(11, await Rc[0].ApplyAsync((Func<int, int> g, int v) => g(v) + 1, new Reference<Func<int, int>>("f"), 9)
            .AsTask().WaitAsync(Patience));
    }

    [Fact]
    public async Task Push_DelegateWithCapture_OnEveryEngine_ScriptsCallIt()
    {
        var offset = 1000;
        await Rc[..].PushAsync(new { fs_shift = (Func<int, int>)(x => x + offset) }).AsTask().WaitAsync(Patience);
        await Rc[..].ExecuteAsync("var fs_shifted = fs_shift(7);").AsTask().WaitAsync(Patience);
        Assert.Equal([1007, 1007], await Rc[..].PullAsync<int>("fs_shifted").AsTask().WaitAsync(Patience));
        Assert.Equal([1001, 1001], await Rc[..].ApplyAsync((Func<int, int> g) => g(1), new Reference<Func<int, int>>("fs_shift"))
            .AsTask().WaitAsync(Patience));
    }

    // ---- 5. captures that cannot travel -------------------------------------------------------------

    [Fact]
    public async Task Closure_CapturingProcessBoundValue_FailsOnClientBeforeSending_EngineUntouched()
    {
        await Rc[..].PushAsync(new { fs_kept = 17 }).AsTask().WaitAsync(Patience);
        var before = (await Rc.QueueStatusAsync()).Engines.Select(s => s.Completed).ToArray();

        using var bufferStream = new MemoryStream([1, 2, 3]);
        using var openSocket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var pendingTask = Task.FromResult(5);
        using var tokenSource = new CancellationTokenSource();

        Refused(() => Rc[0].ApplyAsync(() => bufferStream.Length), nameof(bufferStream), typeof(MemoryStream));
        Refused(() => Rc[..].ApplyAsync((int x) => openSocket.Available + x, 1), nameof(openSocket), typeof(Socket));
        Refused(() => Rc[1].ApplyAsync(() => pendingTask.Result), nameof(pendingTask), typeof(Task<int>));
        Refused(() => Rc[..].ApplyAsync(() => tokenSource.IsCancellationRequested), nameof(tokenSource), typeof(CancellationTokenSource));
        Refused(() => Rc[..].MapAsync((int x) => x + bufferStream.Length, [1, 2, 3]), nameof(bufferStream), typeof(MemoryStream));
        Refused(() => Rc[..].PushAsync(new { fs_bad = (Func<bool>)(() => tokenSource.IsCancellationRequested) }),
            nameof(tokenSource), typeof(CancellationTokenSource));

        Assert.Equal(before, (await Rc.QueueStatusAsync()).Engines.Select(s => s.Completed).ToArray());
        Assert.Equal([18, 18], await Rc[..].ApplyAsync((int k) => k + 1, new Reference<int>("fs_kept")).AsTask().WaitAsync(Patience));
        Assert.Equal([17, 17], await Rc[..].PullAsync<int>("fs_kept").AsTask().WaitAsync(Patience));
    }

    [Fact]
    public async Task Closure_CapturingObjectWhoseFieldCannotTravel_FailsOnClientNamingTheField()
    {
        using var holder = new FsStreamHolder();
        var lengthPlus = holder.JournalLengthPlus();
        Assert.Equal(4L, lengthPlus(1));

        var error = Assert.Throws<ArgumentException>(() => Rc[0].ApplyAsync(lengthPlus, 1));
        output.WriteLine(error.Message);
        Assert.Contains(typeof(MemoryStream).FullName!, error.Message);
        Assert.Contains("_journal", error.Message);
        Assert.Equal(2, await Rc[0].ApplyAsync((int x) => x + 1, 1).AsTask().WaitAsync(Patience));
    }

    /// <summary>The call throws at once, before returning a result, naming the captured variable and its type.</summary>
    private void Refused(Func<object> call, string field, Type type)
    {
        var error = Assert.Throws<ArgumentException>(call);
        output.WriteLine(error.Message);
        Assert.Contains(field, error.Message);
        Assert.Contains(type.FullName!, error.Message);
    }

    // ---- 6. Map over the user's own records ----------------------------------------------------------

    [Fact]
    public async Task Map_LambdaOfTestAssembly_OverListOfUserRecords()
    {
        var people = Enumerable.Range(0, 9).Select(i => new FsPerson($"p{i}", 20 + i)).ToList();
        var bonus = 10;

        var labels = await Rc[..].MapAsync((FsPerson p) => FsGeometry.Describe(p), people).AsTask().WaitAsync(Patience);
        Assert.Equal(people.Select(FsGeometry.Describe), labels);

        var older = await Rc[..].MapAsync((FsPerson p) => p with { Age = p.Age + bonus }, people).AsTask().WaitAsync(Patience);
        Assert.Equal(people.Select(p => p with { Age = p.Age + bonus }), older);

        var summaries = await Rc[..].MapAsync((FsPerson p) => new FsSummary(p.Name, p.Age * 0.5), people).AsTask().WaitAsync(Patience);
        Assert.Equal(people.Select(p => new FsSummary(p.Name, p.Age * 0.5)), summaries);

        Func<FsPerson, string> describe = FsGeometry.Describe;
        Assert.Equal(people.Select(FsGeometry.Describe), await Rc[..].MapAsync(describe, people).AsTask().WaitAsync(Patience));

        var ages = await Rc[..].MapAsync(async (FsPerson p) => { await Task.Delay(1); return p.Age; }, people).AsTask().WaitAsync(Patience);
        Assert.Equal(people.Select(p => p.Age), ages);
    }
}
