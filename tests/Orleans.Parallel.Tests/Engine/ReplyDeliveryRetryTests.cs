using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Parallel.Engine;
using Orleans.Parallel.Grains.Engine;
using Orleans.Runtime;
using TaskStatus = Orleans.Parallel.Engine.TaskStatus;

namespace Orleans.Parallel.Tests.Engine;

/// <summary>
/// A two-way reply whose call failed on the way is sent again (CI saw a finished task's result lost
/// when its silo's gateway stopped mid-call); one that failed for what it holds is not. A reply that
/// cannot travel at all is replaced by an error reply (engines' and broadcasts' replies alike), so the
/// client hears of its task either way.
/// </summary>
public sealed class ReplyDeliveryRetryTests
{
    private static readonly TimeSpan[] Pauses = [TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero];

    private static TaskReply Reply() =>
        new(Guid.NewGuid(), 0, TaskStatus.Ok, (1, 2), null, DateTime.UtcNow, DateTime.UtcNow, "", "", null);

    [Fact]
    public async Task CancelledOnTheWay_IsSentAgain_UntilItArrives()
    {
        var observer = new FlakyObserver(failures: 2, () => new OperationCanceledException());
        var reply = Reply();
        await ReplyOutbox.DeliverAsync(observer, reply, Pauses);
        Assert.Equal(3, observer.Calls);
        Assert.Equal([reply.MsgId], observer.Delivered);
    }

    [Fact]
    public async Task SiloUnavailable_IsSentAgain()
    {
        var observer = new FlakyObserver(failures: 1, () => new SiloUnavailableException("gateway gone"));
        await ReplyOutbox.DeliverAsync(observer, Reply(), Pauses);
        Assert.Equal(2, observer.Calls);
        Assert.Single(observer.Delivered);
    }

    [Fact]
    public async Task FailingEveryTime_GivesUpAfterThePauses_WithTheLastError()
    {
        var observer = new FlakyObserver(failures: int.MaxValue, () => new TimeoutException("no answer"));
        var e = await Assert.ThrowsAsync<TimeoutException>(() => ReplyOutbox.DeliverAsync(observer, Reply(), Pauses));
        Assert.Equal("no answer", e.Message);
        Assert.Equal(Pauses.Length + 1, observer.Calls);
        Assert.Empty(observer.Delivered);
    }

    [Fact]
    public async Task FailingForWhatItHolds_IsNotSentAgain()
    {
        var observer = new FlakyObserver(failures: int.MaxValue, () => new InvalidOperationException("cannot serialize"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => ReplyOutbox.DeliverAsync(observer, Reply(), Pauses));
        Assert.Equal(1, observer.Calls);
    }

    [Fact]
    public async Task ResultThatCannotTravel_IsReplacedByAnErrorReply_NamingWhy()
    {
        var observer = new FlakyObserver(failures: 1, () => new InvalidOperationException("cannot serialize"));
        var reply = Reply();
        await ReplyOutbox.SendOrReportAsync(observer, reply, () => ReplyOutbox.DeliverAsync(observer, reply, Pauses), NullLogger.Instance);
        Assert.Equal(2, observer.Calls);
        var error = Assert.Single(observer.Received);
        Assert.Equal(reply.MsgId, error.MsgId);
        Assert.Equal(TaskStatus.Error, error.Status);
        Assert.Null(error.Result);
        Assert.Contains("could not be sent back to the client: cannot serialize", error.Error!.Message);
    }

    [Fact]
    public async Task ReplyWithoutResult_ThatCannotTravel_IsLoggedNotThrown()
    {
        var observer = new FlakyObserver(failures: int.MaxValue, () => new InvalidOperationException("connection closed"));
        var reply = Reply() with { Result = null };
        await ReplyOutbox.SendOrReportAsync(observer, reply, () => ReplyOutbox.DeliverAsync(observer, reply, Pauses), NullLogger.Instance);
        Assert.Equal(1, observer.Calls); // nothing an error could replace: not sent again
        Assert.Empty(observer.Received);
    }

    [Fact]
    public async Task ErrorReplyThatCannotTravelEither_IsLoggedNotThrown()
    {
        var observer = new FlakyObserver(failures: int.MaxValue, () => new InvalidOperationException("connection closed"));
        var reply = Reply();
        await ReplyOutbox.SendOrReportAsync(observer, reply, () => ReplyOutbox.DeliverAsync(observer, reply, Pauses), NullLogger.Instance);
        Assert.Equal(2, observer.Calls);
        Assert.Empty(observer.Received);
    }

    private sealed class FlakyObserver(int failures, Func<Exception> failure) : ITaskObserver
    {
        public int Calls { get; private set; }
        public List<Guid> Delivered { get; } = [];
        public List<TaskReply> Received { get; } = [];

        public Task OnTaskCompletedAsync(TaskReply reply)
        {
            if (++Calls <= failures) return Task.FromException(failure());
            Delivered.Add(reply.MsgId);
            Received.Add(reply);
            return Task.CompletedTask;
        }

        public Task OnTaskEndedAsync(TaskReply reply) => throw new InvalidOperationException("one-way replies do not come here");
        public Task OnTasksEndedAsync(IReadOnlyList<TaskReply> replies) => throw new InvalidOperationException("one-way replies do not come here");
    }
}
