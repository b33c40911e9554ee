using Orleans.Parallel.Engine;
using Orleans.Parallel.Grains.Engine;

namespace Orleans.Parallel.Tests.Engine;

/// <summary>The engine's per-session reordering, without a cluster.</summary>
public sealed class SubmissionOrderTests
{
    private static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly Guid Session = Guid.NewGuid();

    private static QueuedTask Task(long seq, Guid? session = null) =>
        new(new EngineTask(Guid.NewGuid(), session ?? Session, T0, new ClearRequest(), seq), null!);

    private static long[] Seqs(IEnumerable<QueuedTask> tasks) => tasks.Select(t => t.Task.Seq).ToArray();

    [Fact]
    public void Arrive_InOrder_EachReadyAtOnce()
    {
        var order = new SubmissionOrder();
        Assert.Equal([0L], Seqs(order.Arrive(Task(0), T0)));
        Assert.Equal([1L], Seqs(order.Arrive(Task(1), T0)));
        Assert.False(order.HasHeld);
    }

    [Fact]
    public void Arrive_Early_HeldUntilTheGapFills_ThenReleasedInOrder()
    {
        var order = new SubmissionOrder();
        Assert.Empty(order.Arrive(Task(2), T0));
        Assert.Empty(order.Arrive(Task(1), T0));
        Assert.True(order.HasHeld);
        Assert.Equal([0L, 1L, 2L], Seqs(order.Arrive(Task(0), T0)));
        Assert.False(order.HasHeld);
    }

    [Fact]
    public void Sessions_AreOrderedIndependently()
    {
        var other = Guid.NewGuid();
        var order = new SubmissionOrder();
        Assert.Empty(order.Arrive(Task(1), T0));
        Assert.Equal([0L], Seqs(order.Arrive(Task(0, other), T0)));
    }

    [Fact]
    public void ReleaseOverdue_GapOlderThanTimeout_ReleasesHeldInOrder_AndLaterTasksFlow()
    {
        var order = new SubmissionOrder();
        order.Arrive(Task(3), T0);
        order.Arrive(Task(2), T0);
        Assert.Empty(order.ReleaseOverdue(T0 + SubmissionOrder.GapTimeout - TimeSpan.FromMilliseconds(1)));
        Assert.Equal([2L, 3L], Seqs(order.ReleaseOverdue(T0 + SubmissionOrder.GapTimeout)));
        Assert.Equal([4L], Seqs(order.Arrive(Task(4), T0)));
        Assert.Equal([0L], Seqs(order.Arrive(Task(0), T0))); // a late straggler still runs
    }

    [Fact]
    public void MarkAborted_HeldTaskKeepsItsPlace_SoLaterTasksAreNotStuck()
    {
        var order = new SubmissionOrder();
        var one = Task(1);
        order.Arrive(one, T0);
        order.Arrive(Task(2), T0);
        Assert.Equal([1L], Seqs(order.MarkAborted(t => t.Task.Seq == 1)));
        Assert.True(one.Aborted);
        var ready = order.Arrive(Task(0), T0);
        Assert.Equal([0L, 1L, 2L], Seqs(ready));
        Assert.Equal([false, true, false], ready.Select(t => t.Aborted));
        Assert.Empty(order.MarkAborted(_ => true)); // nothing held any more
    }
}
