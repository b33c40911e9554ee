using Orleans.Parallel.Engine;
using Orleans.Parallel.Grains.Broadcast;
using Orleans.Parallel.Wire;

namespace Orleans.Parallel.Tests.Engine;

/// <summary>Which broadcast requests the engines of a silo may share, and which each engine must get a copy of.</summary>
public sealed class SharedRequestsTests
{
    private static FunctionPayload Function(object? target) =>
        new(new AssemblyRef("A", Guid.NewGuid(), null), "T", 1, "M", [], [], "D", target, []);

    [Fact]
    public void CodeAndNames_AreShared()
    {
        Assert.True(SharedRequests.Shareable(new ExecuteRequest("var x = 1;")));
        Assert.True(SharedRequests.Shareable(new PullRequest(["x"], true)));
        Assert.True(SharedRequests.Shareable(new ClearRequest()));
    }

    [Fact]
    public void ApplyOfPlainArguments_IsShared()
    {
        var closure = new ClosureValue(0, "C", [new ClosureField("n", 3), new ClosureField("s", "text")]);
        Assert.True(SharedRequests.Shareable(new ApplyRequest(Function(closure), [1, "two", 3.0, null, new ReferenceArg("x", null)])));
    }

    [Fact]
    public void AnythingAnEngineCouldChange_IsCopied()
    {
        Assert.False(SharedRequests.Shareable(new PushRequest(new Dictionary<string, object?> { ["l"] = new List<int> { 1 } })));
        Assert.False(SharedRequests.Shareable(new ApplyRequest(Function(null), [new List<int>()])));
        var capturing = new ClosureValue(0, "C", [new ClosureField("list", new List<int>())]);
        Assert.False(SharedRequests.Shareable(new ApplyRequest(Function(capturing), [])));
        var nested = new ClosureValue(0, "C", [new ClosureField("inner", new ClosureValue(1, "D", [new ClosureField("a", new int[3])]))]);
        Assert.False(SharedRequests.Shareable(new ApplyRequest(Function(nested), [])));
    }
}
