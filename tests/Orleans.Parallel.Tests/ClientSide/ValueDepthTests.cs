using Orleans.Parallel.Wire;

namespace Orleans.Parallel.Tests.ClientSide;

/// <summary>How <see cref="ValueDepth"/> counts levels: through collections that may nest, user types' fields and delegates; not through numbers or text, and not round a cycle.</summary>
public sealed class ValueDepthTests
{
    private sealed class Node
    {
        public Node? Next;
        public int Value;
    }

    private static Node Chain(int length)
    {
        var head = new Node();
        for (var i = 1; i < length; i++) head = new Node { Next = head, Value = i };
        return head;
    }

    [Fact]
    public void AtTheLimit_Passes_OneMore_IsRefusedNamingWhat()
    {
        object value = 1; // a number is no level; each array is one
        for (var i = 0; i < ValueDepth.Limit; i++) value = new object[] { value };
        ValueDepth.Check(value, "x");
        var error = Assert.Throws<ValueTooDeepException>(() => ValueDepth.Check(new object[] { value }, "Argument 0"));
        Assert.StartsWith("Argument 0 nests more than 256 levels", error.Message);
    }

    [Fact]
    public void UserTypesNestThroughTheirFields() =>
        Assert.Throws<ValueTooDeepException>(() => ValueDepth.Check(Chain(100_000), "a list"));

    [Fact]
    public void DictionariesTuplesAndListsOfObjects_Nest()
    {
        object value = 1;
        for (var i = 0; i < 400; i++)
            value = (i % 3) switch { 0 => new Dictionary<string, object> { ["k"] = value }, 1 => Tuple.Create(value), _ => new List<object> { value } };
        Assert.Throws<ValueTooDeepException>(() => ValueDepth.Check(value, "v"));
    }

    [Fact]
    public void DelegatesNestThroughTheirCaptures()
    {
        Func<int> f = () => 1;
        for (var i = 0; i < 400; i++)
        {
            var inner = f;
            f = () => inner() + 1;
        }
        Assert.Throws<ValueTooDeepException>(() => ValueDepth.Check(f, "function"));
    }

    [Fact]
    public void WideButShallowValuesAndCycles_Pass()
    {
        ValueDepth.Check(Enumerable.Range(0, 1_000_000).Select(i => (object)i).ToArray(), "wide");
        ValueDepth.Check(new double[10_000_000], "numbers");
        ValueDepth.Check(Enumerable.Range(0, 1000).ToDictionary(i => i.ToString(), i => (object)new object[] { i }), "dictionary");
        var cycle = new List<object>();
        cycle.Add(cycle);
        ValueDepth.Check(cycle, "cycle");
        var loop = Chain(10);
        loop.Next!.Next = loop;
        ValueDepth.Check(loop, "loop");
    }
}
