namespace Orleans.Parallel.Tests.Isolation.BothModes;

/// <summary>The isolated twins test what they mean to: every engine of their cluster runs in a process of its own.</summary>
[Collection(IsolatedEnginesCollection.Name)]
public sealed class IsolatedEnginesFixtureTests(IsolatedEnginesFixture fixture)
{
    [Fact]
    public async Task EveryEngine_RunsInAProcessOfItsOwn()
    {
        var pids = await fixture.Client[..].ApplyAsync(() => Environment.ProcessId);
        Assert.Equal(IsolatedEnginesFixture.EngineCount, pids.Distinct().Count());
        Assert.DoesNotContain(Environment.ProcessId, pids);
    }
}
