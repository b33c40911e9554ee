namespace Orleans.Parallel.Connection;

/// <summary>
/// Hears from Orleans when the client's connected gateways change. When their count falls and has
/// not come back after a grace period, the silos behind the lost gateways exited or cannot be
/// reached, and nothing else would tell this client in time: with one silo no other silo's
/// membership can declare the death, and a direct task's reply would wait for Orleans' response
/// timeout (30 s). Then <see cref="Lost"/> runs with the gateways that remain.
/// </summary>
internal sealed class GatewayLossWatch(TimeSpan grace) : IClusterConnectionStatusObserver
{
    private int _gateways = -1; // unknown until Orleans says

    /// <summary>How long a gateway may be gone before its silo's tasks are given up.</summary>
    public TimeSpan Grace { get; } = grace;

    /// <summary>Called (off Orleans' threads) with the number of gateways left, when a loss outlasted <see cref="Grace"/>.</summary>
    public Func<int, Task>? Lost { get; set; }

    /// <summary>The gateways connected now, as Orleans last said (-1 before it said anything).</summary>
    public int Gateways => Volatile.Read(ref _gateways);

    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered)
    {
        Volatile.Write(ref _gateways, currentNumberOfGateways);
        if (currentNumberOfGateways < previousNumberOfGateways) Schedule(currentNumberOfGateways);
    }

    public void NotifyClusterConnectionLost()
    {
        Volatile.Write(ref _gateways, 0);
        Schedule(0);
    }

    private void Schedule(int remaining)
    {
        if (Grace == Timeout.InfiniteTimeSpan) return;
        _ = Task.Run(async () =>
        {
            await Task.Delay(Grace).ConfigureAwait(false);
            // Came back meanwhile (as many as before the loss, or more): nothing was lost.
            if (Gateways > remaining || Lost is not { } lost) return;
            try { await lost(Gateways).ConfigureAwait(false); }
            catch (Exception) { /* the client is going away, or the check failed: the response timeout still ends the tasks */ }
        });
    }
}
