using Orleans.Parallel.Bulk;
using Orleans.Parallel.Engine;
using Orleans.Parallel.Registry;

namespace Orleans.Parallel.Connection;

/// <summary>
/// The client's copy of the engine registry: which ids exist and which grain each is. The registry
/// pushes every change (the client subscribes as it starts, and renews the subscription); a poll in
/// the background catches a change whose push was lost, or a registry re-activated on another silo
/// after its own died (which has no subscribers: the client subscribes again at once).
/// </summary>
internal sealed class EngineDirectoryCache : IAsyncDisposable
{
    /// <summary>How often the list is read besides the pushes: part of how long a dead silo's engines take to leave <see cref="Ids"/>.</summary>
    internal static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan RenewEvery = TimeSpan.FromMinutes(1);

    private readonly IGrainFactory _grains;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly Listener _listener;
    private IEngineDirectoryObserver? _reference;
    private EngineDirectory _directory = new(-1, [], Guid.Empty);
    private Dictionary<int, (IEngineGrain Grain, BulkEndpoint? Bulk, string Silo)> _byId = new();
    private readonly HashSet<int> _departed = [];
    private TaskCompletionSource _nextChange = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _loop;

    public EngineDirectoryCache(IGrainFactory grains)
    {
        _grains = grains;
        _listener = new Listener(this);
    }

    public IReadOnlyList<int> Ids { get; private set; } = [];

    /// <summary>Raised (off any lock) with who came and who went, after <see cref="Ids"/> changed.</summary>
    public event Action<EnginesChangedEventArgs>? Changed;

    /// <summary>
    /// Raised with the ids now served by another incarnation than before (an interrupted engine
    /// restarted, or one that left came back): each starts counting its submissions afresh.
    /// </summary>
    public event Action<IReadOnlyList<int>>? Replaced;

    /// <summary>Completes at the next change of <see cref="Ids"/>.</summary>
    public Task NextChange
    {
        get { lock (_gate) return _nextChange.Task; }
    }

    public async Task StartAsync()
    {
        _reference = _grains.CreateObjectReference<IEngineDirectoryObserver>(_listener);
        await SubscribeAsync(Timeout.InfiniteTimeSpan).ConfigureAwait(false); // the client's connect waits as long as Orleans does
        _loop = LoopAsync();
    }

    private async Task SubscribeAsync(TimeSpan timeout) =>
        Apply(await _grains.GetGrain<IEngineRegistryGrain>(0).SubscribeAsync(_reference!).WaitAsync(timeout).ConfigureAwait(false));

    public bool TryGet(int engineId, out IEngineGrain engine)
    {
        var found = _byId.TryGetValue(engineId, out var known);
        engine = known.Grain;
        return found;
    }

    /// <summary>The parsable address of an engine's silo ("" when unknown).</summary>
    public string SiloOf(int engineId) => _byId.TryGetValue(engineId, out var known) ? known.Silo : "";

    /// <summary>The bulk endpoint of an engine's silo (null when unknown, or when the silo has none).</summary>
    public BulkEndpoint? BulkOf(int engineId) => _byId.TryGetValue(engineId, out var known) ? known.Bulk : null;

    /// <summary>The bulk endpoint every engine shares (all on one silo), or null.</summary>
    public BulkEndpoint? CommonBulkOfAll { get; private set; }

    /// <summary>Reads the list; true when it was news (a push was missed, so the subscription may be gone too).</summary>
    public async Task<bool> RefreshAsync(TimeSpan? timeout = null) =>
        Apply(await _grains.GetGrain<IEngineRegistryGrain>(0).GetEnginesAsync().WaitAsync(timeout ?? Timeout.InfiniteTimeSpan).ConfigureAwait(false));

    /// <summary>
    /// A read sent to a registry whose silo was just killed gets no answer until Orleans' response
    /// timeout (30 s: a gateway does not break calls it forwarded to a silo that died); the next
    /// poll goes to the registry's new activation instead.
    /// </summary>
    private static readonly TimeSpan RefreshTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Whether the engine with this id has left (stopped, or its silo died): the registry's list says
    /// so for every id it gave out, including those that left before this client connected; an id this
    /// client watched leave counts too (a registry that lost its stored list starts its ids afresh).
    /// </summary>
    public bool HasLeft(int engineId)
    {
        lock (_gate) return _departed.Contains(engineId) || _directory.HasLeft(engineId);
    }

    /// <summary>
    /// Takes <paramref name="directory"/> if it is newer than the one held. A push and a poll may bring
    /// the same list, and pushes are one-way calls that can overtake each other: an older list taken
    /// after a newer one made an engine that had just joined leave and come back.
    /// </summary>
    private bool Apply(EngineDirectory directory)
    {
        EnginesChangedEventArgs change;
        TaskCompletionSource changed;
        int[] replaced;
        lock (_gate)
        {
            if (!directory.IsNewerThan(_directory)) return false;
            var before = Ids;
            replaced = [.. directory.Engines.Where(e => _byId.TryGetValue(e.EngineId, out var held)
                ? held.Grain.GetPrimaryKey() != e.Incarnation
                : _departed.Contains(e.EngineId)).Select(e => e.EngineId)];
            _byId = directory.Engines.ToDictionary(e => e.EngineId, e => (_grains.GetGrain<IEngineGrain>(e.Incarnation), e.Bulk, e.SiloAddress));
            Ids = directory.Engines.Select(e => e.EngineId).ToArray();
            var endpoints = directory.Engines.Select(e => e.Bulk).Distinct().ToArray();
            CommonBulkOfAll = endpoints.Length == 1 ? endpoints[0] : null;
            _directory = directory;
            change = new EnginesChangedEventArgs([.. Ids.Except(before)], [.. before.Except(Ids)], Ids);
            _departed.UnionWith(change.Removed);
            _departed.ExceptWith(change.Added); // a replacement under the same id
            changed = _nextChange;
            _nextChange = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.TrySetResult();
        if (replaced.Length > 0) Replaced?.Invoke(replaced);
        if (change.Added.Count > 0 || change.Removed.Count > 0) Changed?.Invoke(change);
        return true;
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(PollInterval);
        var renewed = DateTime.UtcNow;
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                try
                {
                    // A poll that brings news means a push was missed: the subscription is renewed at once.
                    if (DateTime.UtcNow - renewed < RenewEvery && !await RefreshAsync(RefreshTimeout).ConfigureAwait(false)) continue;
                    await SubscribeAsync(RefreshTimeout).ConfigureAwait(false);
                    renewed = DateTime.UtcNow;
                }
                catch (Exception) { /* the cluster may be busy, restarting or gone; try again next tick */ }
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>Receives the registry's pushes.</summary>
    private sealed class Listener(EngineDirectoryCache cache) : IEngineDirectoryObserver
    {
        public Task OnEnginesChangedAsync(EngineDirectory directory)
        {
            _ = cache.Apply(directory);
            return Task.CompletedTask;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        // A refresh in flight to a cluster that is gone can take a whole response timeout; do not wait for it.
        if (_loop is not null) await Task.WhenAny(_loop, Task.Delay(TimeSpan.FromSeconds(1))).ConfigureAwait(false);
        if (_reference is null) return;
        try
        {
            await _grains.GetGrain<IEngineRegistryGrain>(0).UnsubscribeAsync(_reference).WaitAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        }
        catch (Exception) { /* the registry lets the subscription lapse */ }
        _grains.DeleteObjectReference<IEngineDirectoryObserver>(_reference);
    }
}
