using Orleans.Parallel.Errors;
using Orleans.Parallel.Views;

namespace Orleans.Parallel.Tests.Cluster;

/// <summary>Apply: delegates with closures and arguments, References, method groups, async functions.</summary>
[Collection(ClusterCollection.Name)]
public class ApplyTests(ClusterFixture fixture)
{
    private ParallelClient Rc => fixture.Client;

    private static int Triple(int x) => 3 * x;

    private static string Describe(int number, string word, double factor) => $"{word}:{number * factor}";

    [Fact]
    public async Task Apply_NoArgumentsOnDirectView_OneResultPerEngine()
    {
        var prefix = "n=";
        Assert.Equal([7, 7, 7, 7], await Rc[..].ApplyAsync(() => 7));
        Assert.Equal(Enumerable.Repeat("n=7", 4), Rc[..].ApplySync(() => prefix + 7));
        var blocking = Rc[..].With(block: true).Apply(() => 8);
        Assert.True(blocking.Ready);
        Assert.Equal([8, 8, 8, 8], blocking.Get(TimeSpan.Zero));
    }

    [Fact]
    public async Task Apply_NoArgumentsOnEngineView_ScalarResult()
    {
        Assert.Equal(7, await Rc[3].ApplyAsync(() => 7));
    }

    [Fact]
    public async Task Apply_ClosureOverSeveralLocals_UsesCapturedValues()
    {
        var prefix = "n=";
        var numbers = new[] { 1, 2, 3 };
        var scale = 2.5;

        var results = await Rc[..].ApplyAsync((int extra) => prefix + (numbers.Sum() + extra) * scale, 1);
        var single = await Rc[2].ApplyAsync(() => prefix + numbers.Length);

        Assert.Equal(Enumerable.Repeat("n=17.5", 4), results);
        Assert.Equal("n=3", single);
    }

    [Fact]
    public async Task Apply_ClosureCapturedLaterChange_SendsValueAtCallTime()
    {
        var counter = 1;
        var first = Rc[0].ApplyAsync(() => counter * 100);
        counter = 2;
        var second = Rc[0].ApplyAsync(() => counter * 100);

        Assert.Equal(100, await first);
        Assert.Equal(200, await second);
    }

    [Fact]
    public async Task Apply_SeveralArguments_PassedInOrder()
    {
        var results = await Rc[..].ApplyAsync((int a, string b, double c) => $"{a}|{b}|{c}", 1, "two", 3.5);
        Assert.Equal(Enumerable.Repeat("1|two|3.5", 4), results);
    }

    [Fact]
    public async Task Apply_StaticMethodGroupOfUserCode_Runs()
    {
        Assert.Equal([21, 21, 21, 21], await Rc[..].ApplyAsync(Triple, 7));
        Assert.Equal("w:5", await Rc[1].ApplyAsync(Describe, 2, "w", 2.5));
    }

    [Fact]
    public async Task Apply_FrameworkStaticMethodGroup_Runs()
    {
        Func<int, int> abs = Math.Abs;
        Func<double, double, double> max = Math.Max;

        Assert.Equal([5, 5, 5, 5], await Rc[..].ApplyAsync(abs, -5));
        Assert.Equal(2.5, await Rc[3].ApplyAsync(max, 2.5, -1.0));
    }

    [Fact]
    public async Task Apply_InstanceMethodGroupOnFrameworkObject_UsesTarget()
    {
        Func<string, bool> startsWith = "orleans".StartsWith;
        Assert.Equal([true, true, true, true], await Rc[..].ApplyAsync(startsWith, "orl"));
        Assert.False(await Rc[2].ApplyAsync(startsWith, "par"));
    }

    [Fact]
    public async Task Apply_ReferenceArgument_ResolvesToEachEnginesVariable()
    {
        foreach (var id in Rc.Ids)
            await Rc[id].PushAsync(new { apply_ref = Enumerable.Range(0, id + 1).ToArray() });

        var sums = await Rc[..].ApplyAsync((int[] x) => x.Sum(), new Reference<int[]>("apply_ref"));

        Assert.Equal([0, 1, 3, 6], sums);
    }

    [Fact]
    public async Task Apply_ReferenceAndValueArguments_Mixed()
    {
        await Rc[..].PushAsync(new { apply_mix_word = "abc" });
        var results = await Rc[..].ApplyAsync((string word, int times) => string.Concat(Enumerable.Repeat(word, times)),
            new Reference<string>("apply_mix_word"), 2);
        Assert.Equal(Enumerable.Repeat("abcabc", 4), results);
    }

    [Fact]
    public async Task Apply_ReferenceToScriptVariable_Resolves()
    {
        await Rc[2].ExecuteAsync("var apply_script_list = new List<int> { 4, 5 };");
        Assert.Equal(2, await Rc[2].ApplyAsync((List<int> l) => l.Count, new Reference<List<int>>("apply_script_list")));
    }

    [Fact]
    public async Task Apply_ReferenceThroughDelegateOverload_Resolves()
    {
        await Rc[..].PushAsync(new { apply_dyn = 20 });
        Func<int, int, int> add = (a, b) => a + b;
        var results = await Rc[..].ApplyAsync(add, new Reference<int>("apply_dyn"), 22);
        Assert.Equal([42, 42, 42, 42], results);
    }

    [Fact]
    public async Task Apply_AsyncLambdaThroughDelegateOverload_ResultIsAwaited()
    {
        Func<Task<int>> slowSeven = async () => { await Task.Delay(20); return 7; };
        var results = await Rc[..].ApplyAsync(slowSeven as Delegate);
        Assert.Equal([7, 7, 7, 7], results);
    }

    [Fact]
    public async Task Apply_AsyncLambdaTyped_ResultIsAwaitedValue()
    {
        Func<Task<int>> slowEight = async () => { await Task.Delay(20); return 8; };
        var result = await Rc[1].ApplyAsync(slowEight);
        Assert.Equal(8, await AsValueAsync(result));
    }

    /// <summary>Whether the library gives <c>Task&lt;int&gt;</c> (completed) or <c>int</c> for an async function, the value is 8.</summary>
    private static async Task<object?> AsValueAsync(object? value) => value is Task<int> task ? await task : value;

    [Fact]
    public async Task Apply_AsyncVoidTask_CompletesWithNull()
    {
        Func<Task> work = async () => await Task.Delay(10);
        var results = await Rc[..].ApplyAsync(work as Delegate);
        Assert.Equal([null, null, null, null], results);
    }

    [Fact]
    public async Task Apply_ActionDelegate_ResultsAreNull()
    {
        Action<int> ignore = _ => { };
        Assert.Equal([null, null, null, null], await Rc[..].ApplyAsync(ignore, 1));
    }

    [Fact]
    public async Task Apply_LocalsOfFunction_DoNotStayInNamespace()
    {
        await Rc[0].PushAsync(new { apply_keep = 1 });
        var result = await Rc[0].ApplyAsync(() => { var apply_local = 5; return apply_local * 2; });
        Assert.Equal(10, result);

        var error = await Assert.ThrowsAsync<RemoteException>(async () => await Rc[0].PullAsync<int>("apply_local"));
        Assert.Contains("'apply_local'", error.RemoteMessage);
        Assert.Equal(1, await Rc[0].PullAsync<int>("apply_keep"));
    }

    [Fact]
    public async Task Apply_MutatesReferencedObject_ChangeStaysInNamespace()
    {
        await Rc[3].PushAsync(new { apply_mut = new List<int> { 1 } });
        await Rc[3].ApplyAsync((List<int> l) => { l.Add(2); return l.Count; }, new Reference<List<int>>("apply_mut"));
        Assert.Equal([1, 2], await Rc[3].PullAsync<List<int>>("apply_mut"));
    }

    [Fact]
    public async Task Apply_ReturnsComplexValue_RoundTrips()
    {
        var result = await Rc[0].ApplyAsync(() => new Dictionary<string, int[]> { ["a"] = [1, 2] });
        Assert.Equal([1, 2], result["a"]);
    }

    [Fact]
    public void ApplySync_OneAndTwoArguments_ReturnValues()
    {
        var offset = 10;
        IReadOnlyList<int> all = Rc[..].ApplySync((int x) => x + offset, 1);
        IReadOnlyList<int> two = Rc[..].ApplySync((int x, int y) => x * y + offset, 2, 3);
        int one = Rc[2].ApplySync(() => offset * 2);
        Assert.Equal([11, 11, 11, 11], all);
        Assert.Equal([16, 16, 16, 16], two);
        Assert.Equal(20, one);
    }

    [Fact]
    public async Task Apply_SameFunctionManyTimes_EveryCallRuns()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Rc[i % 4].ApplyAsync((int v) => v * v, i).AsTask()));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => i * i), results);
    }

    [Fact]
    public async Task Apply_GenericFrameworkMethodGroup_RunsWithItsTypeArgument()
    {
        Func<IEnumerable<int>, int> first = Enumerable.First;
        Assert.Equal([4, 4, 4, 4], await Rc[..].ApplyAsync(first, new[] { 4, 5 }));
    }

    [Fact]
    public async Task Apply_ClosureCapturingAnotherDelegate_InnerDelegateTravels()
    {
        Func<int, int> inner = x => x + 1;
        Assert.Equal([8, 8, 8, 8], await Rc[..].ApplyAsync((int x) => inner(x) * 2, 3));
    }

    [Fact]
    public async Task Apply_ClosureCapturingDelegateWithOwnCapture_BothTravel()
    {
        var result = await Rc[1].ApplyAsync((int x) => MakeAdder(10)(x), 5);
        Assert.Equal(15, result);
        var adder = MakeAdder(20);
        Assert.Equal(25, await Rc[1].ApplyAsync((Func<int, int> f, int v) => f(v), adder, 5));
    }

    private static Func<int, int> MakeAdder(int offset) => x => x + offset;

    [Fact]
    public async Task Apply_RecursiveLambda_SelfReferentialClosureTravels()
    {
        Func<int, int> fib = null!;
        fib = n => n < 2 ? n : fib(n - 1) + fib(n - 2);
        Assert.Equal([55, 55, 55, 55], await Rc[..].ApplyAsync(fib, 10));
    }

    [Fact]
    public async Task Apply_DelegateArgument_TravelsAndIsCalled()
    {
        Func<int, int> square = x => x * x;
        Assert.Equal(49, await Rc[2].ApplyAsync((Func<int, int> f, int v) => f(v), square, 7));
    }

    [Fact]
    public async Task Apply_ResultThatCannotTravel_RemoteErrorAndEngineStillWorks()
    {
        var error = await Assert.ThrowsAsync<RemoteException>(async () => await Rc[1].ApplyAsync((int size) => new MemoryStream(size), 4));

        Assert.Equal(1, error.EngineId);
        Assert.Contains("System.IO.MemoryStream", error.RemoteMessage);
        Assert.Equal(5, await Rc[1].ApplyAsync((int x) => x + 1, 4));
    }
}
