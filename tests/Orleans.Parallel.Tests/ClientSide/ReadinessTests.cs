using Orleans.Parallel.Engine;
using Orleans.Parallel.Results;
using TaskStatus = Orleans.Parallel.Engine.TaskStatus;

namespace Orleans.Parallel.Tests.ClientSide;

/// <summary>
/// A wait that reports completion leaves every result it covered readable at once: Ready, Successful
/// and the value. Replies complete their tasks asynchronously, so a <c>Task.WhenAll</c> over them
/// (what the result once read Ready from) completes a moment after the last reply.
/// </summary>
public sealed class ReadinessTests
{
    private const int Rounds = 300;

    [Fact]
    public void AfterTheLastReply_TheResultIsReadyAndHoldsItsValue_WithoutWaiting()
    {
        for (var round = 0; round < Rounds; round++)
        {
            var messages = Messages(3);
            var result = new AsyncResult<int[]>(null!, messages, scalar: false, replies => [.. replies.Select(r => (int)r.Result!)]);
            for (var i = 0; i < messages.Length; i++) messages[i].Complete(Ok(messages[i], i));

            Assert.True(result.Ready, $"round {round}: every reply is in, but Ready is false");
            Assert.True(result.Successful);
            Assert.Equal(3, result.Progress);
            Assert.True(result.Wait(TimeSpan.Zero), $"round {round}: Wait(0) said not ready");
            Assert.Equal([0, 1, 2], result.Get(TimeSpan.Zero));
        }
    }

    [Fact]
    public async Task AfterTheClientsWaitForTheSameMessages_TheResultIsReady()
    {
        for (var round = 0; round < Rounds; round++)
        {
            var messages = Messages(2);
            var result = new AsyncResult<int[]>(null!, messages, scalar: false, replies => [.. replies.Select(r => (int)r.Result!)]);
            var others = Task.Run(() => { foreach (var m in messages) m.Complete(Ok(m, 7)); });

            Assert.True(await ParallelClient.WaitForAsync(messages, TimeSpan.FromSeconds(30), CancellationToken.None));
            Assert.True(result.Ready, $"round {round}: the client's wait ended, but Ready is false");
            Assert.Equal([7, 7], result.Get(TimeSpan.Zero));
            Assert.True(await result.WaitAsync(TimeSpan.Zero));
            await others;
        }
    }

    private static PendingMessage[] Messages(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new PendingMessage(Guid.NewGuid(), i, DateTime.UtcNow))];

    private static TaskReply Ok(PendingMessage message, int value) =>
        new(message.MsgId, message.EngineId, TaskStatus.Ok, value, null, DateTime.UtcNow, DateTime.UtcNow, "", "", null);
}
