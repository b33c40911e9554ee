using Orleans.Parallel.Registry;

namespace Orleans.Parallel.Tests.Cluster;

/// <summary>Which engine list a client keeps when pushes and polls arrive out of order.</summary>
public sealed class EngineDirectoryTests
{
    private static readonly Guid Epoch = Guid.NewGuid();

    [Fact]
    public void OlderVersionOfTheSameEpoch_IsNotNewer_SoALateOldPushCannotRemoveAJoinedEngine()
    {
        var two = new EngineDirectory(2, [], Epoch);
        var three = new EngineDirectory(3, [], Epoch);

        Assert.True(three.IsNewerThan(two));
        Assert.False(two.IsNewerThan(three));
        Assert.False(three.IsNewerThan(three));
    }

    [Fact]
    public void AnotherEpoch_IsAlwaysTaken_EvenWithALowerVersion()
    {
        var old = new EngineDirectory(40, [], Epoch);
        var restarted = new EngineDirectory(1, [], Guid.NewGuid());

        Assert.True(restarted.IsNewerThan(old));
    }
}
