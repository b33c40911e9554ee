using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;

namespace Orleans.Parallel.Hosting;

/// <summary>
/// The silo's own <see cref="ParallelClient"/>, for the user's grains and services on the silo: inject
/// <see cref="ParallelClient"/>. It is made as the silo becomes active, outside any grain (a grain cannot
/// create the observers a client receives replies on), and ends its session as the silo begins to stop.
/// </summary>
internal sealed class SiloParallelClient(IServiceProvider services) : ILifecycleParticipant<ISiloLifecycle>
{
    private ParallelClient? _client;

    /// <summary>The client, once the silo is active.</summary>
    /// <exception cref="InvalidOperationException">Asked for before the silo is active.</exception>
    public ParallelClient Client => _client ?? throw new InvalidOperationException(
        "The silo's ParallelClient exists once the silo is active: take it in a grain (or in a service used after the silo has started), not while the silo starts.");

    public void Participate(ISiloLifecycle lifecycle) =>
        // After the engines (Active) have started, so the client's first list of engines holds this silo's.
        lifecycle.Subscribe(nameof(SiloParallelClient), ServiceLifecycleStage.Active + 1, StartAsync, StopAsync);

    private async Task StartAsync(CancellationToken cancellationToken) =>
        _client = await ParallelClient.FromClusterClientAsync(services.GetRequiredService<IClusterClient>()).ConfigureAwait(false);

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_client is not null) await _client.DisposeAsync().ConfigureAwait(false);
    }
}
