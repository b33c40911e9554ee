using Orleans.Parallel.Engine;
using Orleans.Parallel.Errors;
using Orleans.Parallel.Results;
using TaskStatus = Orleans.Parallel.Engine.TaskStatus;

namespace Orleans.Parallel.Tests.ClientSide;

/// <summary>The error of a map chunk names its items: the one that raised, or the chunk's range when it failed as a whole.</summary>
public sealed class MapErrorTextTests
{
    private static RemoteException ErrorOf((int Offset, int Length) slice, int? item)
    {
        var message = new PendingMessage(Guid.NewGuid(), 3, DateTime.UtcNow) { MapSlice = slice };
        var error = new RemoteError("System.ArgumentException", "bad", "", [], item);
        message.Complete(new TaskReply(message.MsgId, 3, TaskStatus.Error, null, error, null, DateTime.UtcNow, "", "", null));
        return Assert.IsType<RemoteException>(ReplyErrors.Of(message));
    }

    [Fact]
    public void AnItemThatRaised_IsNamedByItsInputIndex()
    {
        var error = ErrorOf((6, 3), item: 1);
        Assert.Equal(7, error.ItemIndex);
        Assert.Equal("[engine 3] map item 7: System.ArgumentException: bad", error.Message);
    }

    [Fact]
    public void AChunkThatFailedAsAWhole_IsNamedByItsRange()
    {
        var error = ErrorOf((6, 3), item: null);
        Assert.Null(error.ItemIndex);
        Assert.Equal("[engine 3] map items 6..8: System.ArgumentException: bad", error.Message);
        Assert.Equal(4, ErrorOf((4, 1), item: null).ItemIndex);
    }
}
