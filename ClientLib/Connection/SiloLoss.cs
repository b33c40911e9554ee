using System.Net.Sockets;
using Orleans.Parallel.Bulk;
using Orleans.Parallel.Errors;
using Orleans.Parallel.Results;

namespace Orleans.Parallel.Connection;

/// <summary>
/// What the client does when a gateway stayed lost past its grace (<see cref="GatewayLossWatch"/>):
/// fails, with <see cref="EngineException"/> naming the silo, the outstanding tasks that can no
/// longer end. With no gateway left that is every one; with some left, the direct tasks of silos
/// that no longer take a connection at their bulk port. Load-balanced tasks are then left to the
/// queues, which re-send what a dead silo held, as when its death is declared.
/// </summary>
internal static class SiloLoss
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);

    public static async Task FailLostTasksAsync(TaskDispatcher dispatcher, Func<int, string> siloOf, Func<int, BulkEndpoint?> bulkOf, int gatewaysLeft, TimeSpan grace)
    {
        var outstanding = dispatcher.Outstanding.Where(m => !m.IsDone).ToArray();
        if (outstanding.Length == 0) return;
        if (gatewaysLeft <= 0)
        {
            foreach (var message in outstanding)
                dispatcher.Fail(message, Lost(message, siloOf, grace, "the connection to every gateway dropped"));
            return;
        }
        foreach (var onSilo in outstanding.Where(m => !m.LoadBalanced && m.EngineId >= 0).GroupBy(m => siloOf(m.EngineId)))
        {
            if (bulkOf(onSilo.First().EngineId) is not { } bulk || await AnswersAsync(bulk).ConfigureAwait(false)) continue;
            foreach (var message in onSilo) dispatcher.Fail(message, Lost(message, siloOf, grace, $"a gateway's connection dropped and its bulk port {bulk} refuses connections"));
        }
    }

    private static EngineException Lost(PendingMessage message, Func<int, string> siloOf, TimeSpan grace, string cause)
    {
        var silo = message.EngineId >= 0 && siloOf(message.EngineId) is { Length: > 0 } address ? $"silo {address}" : "its silo";
        var engine = message.EngineId >= 0 ? $" on engine {message.EngineId}" : "";
        return new EngineException(message.EngineId,
            $"Task {message.MsgId}{engine} was lost: {silo} exited or is unreachable ({cause}, and it did not come back within {grace.TotalSeconds:0.#} s).");
    }

    private static async Task<bool> AnswersAsync(BulkEndpoint bulk)
    {
        using var tcp = new TcpClient();
        try
        {
            await tcp.ConnectAsync(bulk.Host, bulk.Port).WaitAsync(ProbeTimeout).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is SocketException or TimeoutException)
        {
            return false;
        }
    }
}
