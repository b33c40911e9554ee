using Orleans.Parallel.Bulk;
using Orleans.Parallel.Engine;
using Orleans.Parallel.Registry;

namespace Orleans.Parallel.Connection;

/// <summary>
/// The client's copy of the engine registry: which ids exist and which grain each is, refreshed in
/// the background so <see cref="ParallelClient.Ids"/> stays current without a call per read.
/// </summary>
internal sealed class EngineDirectoryCache : IAsyncDisposable
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);

    private readonly IGrainFactory _grains;
    private readonly CancellationTokenSource _stop = new();
    private EngineDirectory _directory = new(-1, []);
    private Dictionary<int, (IEngineGrain Grain, BulkEndpoint? Bulk)> _byId = new();
    private Task? _loop;

    public EngineDirectoryCache(IGrainFactory grains) => _grains = grains;

    public IReadOnlyList<int> Ids { get; private set; } = [];

    public event Action? Changed;

    public async Task StartAsync()
    {
        await RefreshAsync().ConfigureAwait(false);
        _loop = LoopAsync();
    }

    public bool TryGet(int engineId, out IEngineGrain engine)
    {
        var found = _byId.TryGetValue(engineId, out var known);
        engine = known.Grain;
        return found;
    }

    /// <summary>The bulk endpoint of an engine's silo (null when unknown, or when the silo has none).</summary>
    public BulkEndpoint? BulkOf(int engineId) => _byId.TryGetValue(engineId, out var known) ? known.Bulk : null;

    /// <summary>The bulk endpoint every engine shares (all on one silo), or null.</summary>
    public BulkEndpoint? CommonBulkOfAll { get; private set; }

    public async Task RefreshAsync()
    {
        var directory = await _grains.GetGrain<IEngineRegistryGrain>(0).GetEnginesAsync().ConfigureAwait(false);
        if (directory.Version == _directory.Version) return;
        _byId = directory.Engines.ToDictionary(e => e.EngineId, e => (_grains.GetGrain<IEngineGrain>(e.Incarnation), e.Bulk));
        Ids = directory.Engines.Select(e => e.EngineId).ToArray();
        var endpoints = directory.Engines.Select(e => e.Bulk).Distinct().ToArray();
        CommonBulkOfAll = endpoints.Length == 1 ? endpoints[0] : null;
        _directory = directory;
        Changed?.Invoke();
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(RefreshInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                try { await RefreshAsync().ConfigureAwait(false); }
                catch (Exception) { /* the cluster may be busy, restarting or gone; try again next tick */ }
            }
        }
        catch (OperationCanceledException) { }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        // A refresh in flight to a cluster that is gone can take a whole response timeout; do not wait for it.
        if (_loop is not null) await Task.WhenAny(_loop, Task.Delay(TimeSpan.FromSeconds(1))).ConfigureAwait(false);
    }
}
